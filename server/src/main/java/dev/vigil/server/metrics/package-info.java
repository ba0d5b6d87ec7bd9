/**
 * The {@code /metrics} registry ({@link dev.vigil.server.metrics.ServerMetrics}) and the meters of sinks and rule
 * work. Stages count into it and register their own gauges on its Micrometer registry; it knows no stage.
 */
package dev.vigil.server.metrics;
