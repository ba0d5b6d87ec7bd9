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
