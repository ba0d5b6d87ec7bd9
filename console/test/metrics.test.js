import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetrics, sum, max, point, labelsOf } from '../src/metrics.js';
import { parseEventLine } from '../src/api.js';

const SCRAPE = `# HELP vigil_events_in_total events accepted
# TYPE vigil_events_in_total counter
vigil_events_in_total{stream="payments"} 100.0
vigil_events_in_total{stream="logins"} 50.0
vigil_alerts_total{kind="match",rule="a"} 3.0
vigil_source_lag_seconds{source="ws-1"} 2.5
vigil_source_lag_seconds{source="ws-2"} NaN
vigil_partial_matches{rule="a"} 4.0
vigil_checkpoint_duration_seconds NaN
vigil_build_info{commit="abc",version="0.1.0"} 1.0
`;

test('a scrape is parsed into samples and summed per metric', () => {
  const samples = parseMetrics(SCRAPE);
  assert.equal(samples.length, 8);
  assert.equal(sum(samples, 'vigil_events_in_total'), 150);
  assert.equal(max(samples, 'vigil_source_lag_seconds'), 2.5);
  assert.equal(max(samples, 'vigil_checkpoint_duration_seconds'), null);
  assert.deepEqual(labelsOf(samples, 'vigil_build_info'), { commit: 'abc', version: '0.1.0' });
});

test('rates come from two scrapes; the first has none', () => {
  const first = point(parseMetrics(SCRAPE), null, 1000, null);
  assert.equal(first.eventsPerSecond, null);
  const later = point(parseMetrics(SCRAPE.replace('100.0', '300.0')), first, 3000, 1000);
  assert.equal(later.eventsPerSecond, 100);
  assert.equal(later.alertsPerSecond, 0);
  assert.equal(later.partialMatches, 4);
});

test('an event stream is read line by line: comments, events with ids and data, named events', () => {
  const seen = [];
  let event = {};
  for (const line of [': subscribed', '', 'id: 7b', 'data: {"id":"7b"}', '', 'event: warning', 'data: {"w":1}', '']) {
    event = parseEventLine(line, event, (e) => seen.push(e));
  }
  assert.deepEqual(seen, [{ comment: 'subscribed' }, { id: '7b', data: '{"id":"7b"}' },
    { type: 'warning', data: '{"w":1}' }]);
});
