import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outline, blankComments, suggestions, caretLength, conditions, guardText } from '../src/outline.js';

const CARD_TESTING = `-- a comment naming STREAM fake (x STRING)
STREAM payments (card_id STRING, amount DOUBLE, merchant STRING, ts TIMESTAMP)
  EVENT TIME ts WATERMARK DELAY 5 SECONDS;

RULE card_testing
  SEVERITY high
  FROM payments
  PARTITION BY card_id
  PATTERN probe{3,} -> big          -- strict: the tiny charges are consecutive
  WITHIN 10 MINUTES
  DEFINE
    probe AS amount < 2.00,
    big   AS amount >= 500 AND merchant <> LAST(probe.merchant) AND merchant NOT IN ('a, b', 'c')
  EMIT card = card_id, probes = COUNT(probe)
  AFTER MATCH SKIP PAST LAST EVENT;
RULE other FROM payments PATTERN a DEFINE a AS amount > 1`;

test('the outline finds declarations, streams read, variables and rules, not what comments and strings say', () => {
  const shape = outline(CARD_TESTING);
  assert.deepEqual(shape.streams, { payments: ['card_id', 'amount', 'merchant', 'ts'] });
  assert.deepEqual(shape.reads, ['payments']);
  assert.deepEqual(shape.rules, ['card_testing', 'other']);
  assert.deepEqual(shape.variables, ['probe', 'big', 'a']);
});

test('a pattern is read past OPTIONAL and a stage window, up to the rule\'s WITHIN', () => {
  const shape = outline(`RULE w FROM payments
    PATTERN a -> b{2,4} OPTIONAL -> c WITHIN 5 SECONDS OF PREVIOUS -> \`optional\` WITHIN 2 ms OF PREVIOUS -> d
    WITHIN 1 MINUTE
    DEFINE a AS amount > 1`);
  assert.deepEqual(shape.variables, ['a', 'b', 'c', 'optional', 'd']);
});

test('a pattern with alternation and PERMUTE names each variable once', () => {
  const shape = outline(`RULE p FROM payments
    PATTERN a -> (b | c d) -> PERMUTE(e, b+, \`permute\`)
    DEFINE a AS amount > 1`);
  assert.deepEqual(shape.variables, ['a', 'b', 'c', 'd', 'e', 'permute']);
});

test('a variable reading one stream of several is known by its stream', () => {
  const shape = outline(`RULE t FROM logins, transfers PATTERN login -> transfer
    DEFINE login AS logins(new_device = TRUE), transfer AS transfers(amount >= 5000)`);
  assert.deepEqual(shape.variableStreams, { login: 'logins', transfer: 'transfers' });
});

test('blanking comments and strings keeps every position', () => {
  const text = "a -- b\n/* c\n d */ 'e''f' g";
  const blank = blankComments(text);
  assert.equal(blank.length, text.length);
  assert.equal(blank.split('\n').length, 3);
  assert.ok(!/[bcdef]/.test(blank), blank);
  assert.ok(blank.endsWith(' g'));
});

test('did-you-mean messages give their alternatives as fixes', () => {
  assert.deepEqual(suggestions("unknown field 'amont' (did you mean amount?); fields of payments are card_id, amount"),
    ['amount']);
  assert.deepEqual(suggestions("unknown variable 'bg'; did you mean big or bag?"), ['big', 'bag']);
  assert.deepEqual(suggestions("unknown function 'FLOR'; did you mean FLOOR, FLOAT or FOR?"),
    ['FLOOR', 'FLOAT', 'FOR']);
  assert.deepEqual(suggestions('rule does not compile'), []);
});

test('a diagnostic covers as many characters as the server draws carets', () => {
  assert.equal(caretLength("request:1:49: unknown field 'amont'\n  | RULE ... amont >= 900\n  |          ^^^^^"), 5);
  assert.equal(caretLength('request:1:1: text declares no RULE'), 1);
});

test('conditions are read from the rule\'s own DEFINE clause, whole, commas inside parentheses kept', () => {
  assert.deepEqual(conditions(CARD_TESTING, 'card_testing'), {
    probe: 'amount < 2.00',
    big: "amount >= 500 AND merchant <> LAST(probe.merchant) AND merchant NOT IN ('a, b', 'c')",
  });
  assert.deepEqual(conditions(CARD_TESTING, 'other'), { a: 'amount > 1' });
  assert.deepEqual(conditions(CARD_TESTING, 'missing'), {});
});

test('guards read as conditions', () => {
  const defined = { big: 'amount >= 500', small: 'amount < 2' };
  assert.equal(guardText('big', defined), 'amount >= 500');
  assert.equal(guardText('!big', defined), 'NOT (amount >= 500)');
  assert.equal(guardText('true', defined), 'any event');
  assert.equal(guardText('small && !big', defined), '(amount < 2) && !(amount >= 500)');
  assert.equal(guardText('other', defined), 'other');
});
