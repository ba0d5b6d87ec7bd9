import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, inRange, passes, keyText } from '../src/compare.js';
import { diffLines, changes } from '../src/diff.js';

const alert = (id, key, start, end, extra = {}) => Object.assign({ id, rule: 'r', kind: 'match', key, start, end,
  severity: 'high' }, extra);

test('a backtest lines up with the live alerts by kind, key and event times, not by id', () => {
  const live = [alert('l1', 'c1', 10, 20), alert('l2', 'c2', 30, 40)];
  const backtested = [alert('b1', 'c1', 10, 20), alert('b3', 'c3', 50, 60)];
  const rows = compare(backtested, live);
  assert.deepEqual(rows.map((row) => [row.alert.id, row.side]), [['b1', 'both'], ['b3', 'backtest'],
    ['l2', 'live']]);
  assert.equal(rows[0].live.id, 'l1');
});

test('a live alert is in a range when its first event is at or after from and its last before to', () => {
  assert.ok(inRange(alert('a', 'k', 10, 20), 10, 21));
  assert.ok(!inRange(alert('a', 'k', 10, 20), 11, null));
  assert.ok(!inRange(alert('a', 'k', 10, 20), null, 20));
  assert.ok(inRange(alert('a', 'k', 10, 20), null, null));
});

test('the filter passes alerts as the server filters do', () => {
  const filter = { rule: '', severities: [], key: '' };
  assert.ok(passes(alert('a', 'c1', 1, 2), filter));
  assert.ok(!passes(alert('a', 'c1', 1, 2), { ...filter, rule: 'other' }));
  assert.ok(passes(alert('a', 'c1', 1, 2), { ...filter, severities: ['low', 'high'] }));
  assert.ok(!passes(alert('a', 'c1', 1, 2, { severity: null }), { ...filter, severities: ['high'] }));
  assert.ok(passes(alert('a', ['c1', 'eu'], 1, 2), { ...filter, key: '["c1","eu"]' }));
  assert.ok(passes(alert('a', 42, 1, 2), { ...filter, key: '42' }));
  assert.equal(keyText(null), '');
});

test('a line diff keeps common lines and shows removals before additions', () => {
  const lines = diffLines('a\nb\nc\nd', 'a\nx\nc\nd\ne');
  assert.deepEqual(lines.map((l) => l.kind + ':' + l.text), ['same:a', 'removed:b', 'added:x', 'same:c', 'same:d',
    'added:e']);
  assert.deepEqual(lines.filter((l) => l.kind === 'added').map((l) => l.newLine), [2, 5]);
  assert.ok(changes(lines));
  assert.ok(!changes(diffLines('same\ntext', 'same\ntext')));
});
