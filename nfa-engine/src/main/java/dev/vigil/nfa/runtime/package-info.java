/**
 * Event-time execution of compiled rules: stream clocks and watermarks, per (rule, key) state tables,
 * buffering until the watermark passes, timers and alert construction. Driven by {@link dev.vigil.nfa.Engine};
 * every class here is owned by one engine and one thread.
 */
package dev.vigil.nfa.runtime;
