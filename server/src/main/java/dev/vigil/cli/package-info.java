/**
 * The {@code vigil} command line: {@code check}, {@code run} and {@code explain}. It reads rule files and NDJSON
 * input, drives one {@link dev.vigil.nfa.Engine} on the calling thread, and prints alerts and positioned
 * problems. Golden tests run the same {@code Replay} loop that {@code vigil run} uses.
 */
package dev.vigil.cli;
