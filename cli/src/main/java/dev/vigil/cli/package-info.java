/**
 * The {@code vigil} command line. {@code check}, {@code run} and {@code explain} read rule files and NDJSON input,
 * drive one {@link dev.vigil.nfa.Engine} on the calling thread, and print alerts and positioned problems (golden
 * tests run the same {@code Replay} loop that {@code vigil run} uses); {@code serve} runs the rules server;
 * {@code send}, {@code watch} and {@code bench} are clients of a running server.
 */
package dev.vigil.cli;
