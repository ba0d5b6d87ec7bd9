/**
 * The JSON wire formats shared by the command line and the server: NDJSON input lines (events and
 * {@code {"watermark": ts}} messages) and the alert and late-event objects. One codec, so {@code vigil run} and
 * {@code vigil serve} read and write exactly the same JSON. Stateless; safe from any thread.
 */
package dev.vigil.wire;
