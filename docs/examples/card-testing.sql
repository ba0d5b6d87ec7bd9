-- The card-testing rule of rules-examples/card-testing/rule.cep, written as Flink SQL writes it (MATCH_RECOGNIZE).
-- `vigil run --rules docs/examples/card-testing.sql --events rules-examples/card-testing/events.ndjson` prints
-- the alerts of that folder's expected-alerts.ndjson, without their severity (SQL has no place for one).

CREATE TABLE payments (
  card_id STRING, amount DOUBLE, merchant STRING, ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
);

CREATE VIEW card_testing AS
SELECT card, probes, total
FROM payments
MATCH_RECOGNIZE (
  PARTITION BY card_id
  ORDER BY ts
  MEASURES
    card_id AS card,
    COUNT(probe.*) AS probes,
    SUM(probe.amount) + big.amount AS total
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (probe{3,}? {- other*? -} big) WITHIN INTERVAL '10' MINUTE
  DEFINE
    probe AS probe.amount < 2.00,
    big AS big.amount >= 500 AND big.merchant <> LAST(probe.merchant)
);

TEST three_probes_then_big
GIVEN {
  {"stream":"payments","ts":"2026-11-20T14:02:10Z","card_id":"c1","amount":0.5,"merchant":"m1"}
  {"stream":"payments","ts":"2026-11-20T14:02:41Z","card_id":"c1","amount":1.0,"merchant":"m1"}
  {"stream":"payments","ts":"2026-11-20T14:03:15Z","card_id":"c1","amount":1.25,"merchant":"m1"}
  {"stream":"payments","ts":"2026-11-20T14:06:30Z","card_id":"c1","amount":1299.0,"merchant":"m2"}
}
EXPECT {
  {"rule":"card_testing","key":"c1","fields":{"card":"c1","probes":3,"total":1301.75}}
}
