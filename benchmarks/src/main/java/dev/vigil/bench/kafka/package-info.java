/**
 * The Kafka -> Vigil -> Kafka benchmark (issue 19; {@code benchmarks/kafka-bench.sh}): a broker as a process of its
 * own ({@link dev.vigil.bench.kafka.BenchBroker}), and the driver ({@link dev.vigil.bench.kafka.KafkaBench}) that
 * fills the input topic with the events of {@code vigil bench}, reads the server's progress from {@code /metrics}
 * and its alerts from the output topic ({@code read_committed}), and reports throughput and event-to-alert latency.
 */
package dev.vigil.bench.kafka;
