/**
 * Running an {@link dev.vigil.nfa.program.Nfa} per key: {@link dev.vigil.nfa.match.Matcher} (stateless, shared)
 * advances a key's {@link dev.vigil.nfa.match.PartialMatches} by events ({@code process}) and time
 * ({@code advanceTime}), reporting matches, timeouts and bound trips to a {@link dev.vigil.nfa.match.MatchOutput}
 * as {@link dev.vigil.nfa.match.MatchedEvents}. The algorithm is Flink CEP 1.20's NFA, replicated down to its
 * queue order, so results equal Flink's.
 *
 * <p>Pipeline position: called by the runtime (shards) for each key's events in timestamp order. Threading: a
 * {@code Matcher} may be shared by all threads; a {@code PartialMatches} belongs to the one thread owning its key.
 */
package dev.vigil.nfa.match;
