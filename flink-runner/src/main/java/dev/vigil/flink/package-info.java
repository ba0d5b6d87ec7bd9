/**
 * Vigil on Apache Flink: the same rule files, the same alerts (ids included) as {@code vigil run}, with every piece
 * of matching state in Flink's keyed state.
 *
 * <p>The pipeline: events (a Flink user's {@code DataStream<Event>}, or an NDJSON file read and numbered at
 * parallelism 1 by {@link dev.vigil.flink.LineSequencer}) with Vigil's per-stream watermarks
 * ({@link dev.vigil.flink.VigilWatermarks}) → {@link dev.vigil.flink.DynamicKeyFunction} (late events out; one
 * copy per distinct {@code PARTITION BY}) → {@code keyBy(spec, key)} → {@link dev.vigil.flink.MatchFunction} (the
 * rules of the spec, one key at a time, through the engine's {@link dev.vigil.nfa.KeyedRule}) → alerts as the
 * server's JSON.
 * Rule changes ({@link dev.vigil.flink.RuleChanges}: a folder of change files) are broadcast to the fan-out and the
 * keyed operator, which apply them alike ({@link dev.vigil.flink.LiveRules}) and keep them in broadcast state.
 * {@link dev.vigil.flink.VigilCep#process} is the entry for embedding; {@link dev.vigil.flink.VigilFileJob} the
 * job's {@code main}. Kafka in and out ({@link dev.vigil.flink.KafkaJob}): events from topics, decoded and named as the
 * server decodes and names them, with per-partition watermarks ({@link dev.vigil.flink.KafkaEvents}), alerts and late
 * events to topics exactly once ({@link dev.vigil.flink.KafkaAlerts}), rule changes from a topic
 * ({@link dev.vigil.flink.RulesTopic}). Events cross tasks and live in state through
 * {@link dev.vigil.flink.EventSerializer}, never Kryo.
 *
 * <p>Threading: Flink's; each function instance is driven by its subtask's thread only. Flink's own jars are
 * {@code provided}: the cluster has them.
 */
package dev.vigil.flink;
