/**
 * {@code vigil bench}: a load generator that drives a running server over loopback WebSocket and measures it.
 *
 * <p>Where it sits: outside the pipeline, as a client. {@link dev.vigil.loadgen.LoadGenerator#run} deploys its
 * own rule ({@link dev.vigil.loadgen.BenchRule}, over its own streams, so it never disturbs other rules) with
 * {@link dev.vigil.loadgen.RulesClient}, subscribes to that rule's alerts ({@link dev.vigil.loadgen.AlertReceiver}),
 * streams generated events ({@link dev.vigil.loadgen.KeySequence}, {@link dev.vigil.loadgen.FrameText}) over one or
 * more {@code /v1/events} sockets ({@link dev.vigil.loadgen.EventSender}), and reports a
 * {@link dev.vigil.loadgen.BenchResult}: events acknowledged per second, and event-to-alert latency from an
 * HdrHistogram.
 *
 * <p>Measurement. Every event carries the time its frame was meant to be sent, which the rule copies into its
 * alert; the latency of an alert is its arrival minus that time. At a fixed rate the intended time comes from the
 * schedule, not from when the frame actually left, so a server that stalls the client is charged for the whole
 * stall (no coordinated omission). Event time is the wall clock in milliseconds (strictly increasing per
 * connection, so one more than the last frame's when a connection sends faster), and each frame ends with a
 * watermark at its own timestamp, so the engine releases a frame's events as soon as it has read them: the
 * latency is the server's work and I/O, not a wait for event time to pass.
 *
 * <p>Threading: one thread per sending connection; acknowledgements and alerts arrive on the HTTP client's
 * threads; {@link dev.vigil.loadgen.LoadGenerator} waits on the calling thread.
 */
package dev.vigil.loadgen;
