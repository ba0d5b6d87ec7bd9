import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declarations, eventTemplate, keyText, keyTypes, span, fromWatermark, verdict } from '../src/explain.js';

const TEXT = `-- STREAM fake (x STRING)
STREAM payments (card STRING, amount DOUBLE, device.os STRING, ok BOOLEAN, at TIMESTAMP)
  EVENT TIME at WATERMARK DELAY 5 SECONDS;
STREAM logins (user LONG, region STRING);
RULE r FROM payments PARTITION BY card PATTERN a DEFINE a AS amount > 1`;

const NOW = Date.UTC(2026, 10, 20, 16, 0, 0);

test('declarations give each stream its fields with their types and its event time field', () => {
  assert.deepEqual(declarations(TEXT), {
    payments: {
      fields: [{ name: 'card', type: 'STRING' }, { name: 'amount', type: 'DOUBLE' },
        { name: 'device.os', type: 'STRING' }, { name: 'ok', type: 'BOOLEAN' }, { name: 'at', type: 'TIMESTAMP' }],
      time: 'at',
    },
    logins: { fields: [{ name: 'user', type: 'LONG' }, { name: 'region', type: 'STRING' }], time: 'ts' },
  });
});

test('an event template has the declared fields, the typed key and the time now', () => {
  assert.deepEqual(JSON.parse(eventTemplate(TEXT, 'Payments', ['card'], ['k1'], NOW)), {
    stream: 'Payments', card: 'k1', amount: 0, device: { os: '' }, ok: false, at: '2026-11-20T16:00:00.000Z',
  });
  assert.deepEqual(JSON.parse(eventTemplate(TEXT, 'logins', ['user', 'region'], ['42', 'eu'], NOW)),
    { stream: 'logins', user: 42, region: 'eu', ts: '2026-11-20T16:00:00.000Z' }, 'a LONG key field is a number');
  assert.deepEqual(JSON.parse(eventTemplate('RULE r FROM clicks PARTITION BY user PATTERN a', 'clicks', ['user'],
    [], NOW)), { stream: 'clicks', user: '', ts: '2026-11-20T16:00:00.000Z' }, 'undeclared: the key and ts');
});

test('a key is written as the API reads it: a value as typed, a composite as its JSON array', () => {
  assert.equal(keyText(['c1']), 'c1');
  assert.equal(keyText([' 42 ']), '42');
  assert.equal(keyText(['c1', 'eu']), '["c1","eu"]');
  assert.equal(keyText(['42', 'eu'], keyTypes(TEXT, ['logins'], ['user', 'region'])), '[42,"eu"]');
  assert.equal(keyText(['c1', '']), null, 'not yet: a field is empty');
  assert.equal(keyText([]), 'null', 'a rule without PARTITION BY has one key');
});

test('times are said against the watermark, in event time', () => {
  assert.equal(span(8500), '8.5 s');
  assert.equal(span(200000), '3 min 20 s');
  assert.equal(span(7500000), '2 h 5 min');
  assert.equal(fromWatermark(11000, 2500), 'in 8.5 s of event time (watermark to go)');
  assert.equal(fromWatermark(2000, 2500), 'now: the watermark has reached it');
  assert.equal(fromWatermark(2000, null), 'when the watermark reaches it (no watermark yet)');
});

test('an explained run says what the event would do to it', () => {
  const names = ['match', 'b', 'a'];
  const name = (id) => names[id];
  const edge = (action, to, held) => ({ from: 2, action, to, held });
  assert.equal(verdict({ state: 2, start: true, transitions: [edge('take', 1, false)] }, name),
    'It starts no partial match.');
  assert.equal(verdict({ state: 2, start: true, transitions: [edge('take', 1, true)] }, name),
    'Taken: it would start a partial match, waiting in state b.');
  assert.equal(verdict({ state: 1, start: false, transitions: [edge('take', 0, false), edge('ignore', 1, true)] },
    name), 'Passed by: the run stays in state b, still waiting.');
  assert.equal(verdict({ state: 1, start: false, transitions: [edge('take', 0, true), edge('ignore', 1, false)] },
    name), 'Taken: it would complete the match (an alert).');
  assert.equal(verdict({ state: 1, start: false, transitions: [edge('take', 0, false)] }, name),
    'No transition holds: the run ends.');
});
