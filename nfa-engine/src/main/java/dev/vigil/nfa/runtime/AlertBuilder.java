package dev.vigil.nfa.runtime;

import dev.vigil.nfa.Alert;
import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.match.MatchedEvents;
import dev.vigil.nfa.program.RuleProgram;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a completed or timed-out match into an {@link Alert}: evaluates the {@code EMIT} expressions and derives
 * the deterministic id.
 *
 * <p>The id is a SHA-256 digest (first 128 bits, hex) of the rule name and version, the alert kind, the key and,
 * per variable, the identities of the bound events ({@link Event#identity}: the sequence number, a position in the
 * input, unless the source named its events otherwise), so the same rule version over the same input always yields
 * the same ids, and a replay can be deduplicated.
 * Unqualified fields in {@code EMIT} read the match's last event.
 *
 * <p><b>Not thread-safe:</b> one per rule runtime.
 */
final class AlertBuilder {
    private static final HexFormat HEX = HexFormat.of();
    private final CompiledRule rule;
    private final RuleProgram program;
    private final MessageDigest sha256;

    AlertBuilder(CompiledRule rule, RuleProgram program) {
        this.rule = rule;
        this.program = program;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    Alert match(Object key, MatchedEvents match) {
        return build(Alert.Kind.MATCH, key, match, -1, program.emit());
    }

    Alert timeout(Object key, MatchedEvents partial, long timeoutAt) {
        return build(Alert.Kind.TIMEOUT, key, partial, timeoutAt, program.timeoutEmit());
    }

    private Alert build(Alert.Kind kind, Object key, MatchedEvents match, long timeoutAt,
            List<RuleProgram.EmitField> emit) {
        Map<String, List<Event>> events = match.asMap();
        Event last = lastEvent(events);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (RuleProgram.EmitField field : emit) {
            fields.put(field.name(), field.expression().evaluate(last, match));
        }
        Object externalKey = PartitionKey.external(key);
        return new Alert(id(kind, externalKey, events), rule.name(), rule.version(), kind, externalKey,
                rule.severity(), match.firstTimestamp(), match.lastTimestamp(), timeoutAt, fields, events);
    }

    private static Event last(List<Event> events) {
        return events.isEmpty() ? null : events.get(events.size() - 1);
    }

    private static Event lastEvent(Map<String, List<Event>> events) {
        Event latest = null;
        for (List<Event> bound : events.values()) {
            Event candidate = last(bound);
            if (candidate != null && (latest == null || candidate.timestamp() > latest.timestamp()
                    || (candidate.timestamp() == latest.timestamp() && candidate.sequence() > latest.sequence()))) {
                latest = candidate;
            }
        }
        return latest;
    }

    private String id(Alert.Kind kind, Object key, Map<String, List<Event>> events) {
        StringBuilder canonical = new StringBuilder(64);
        canonical.append(rule.name()).append('\u0000').append(rule.version()).append('\u0000').append(kind.json())
                .append('\u0000').append(key);
        for (Map.Entry<String, List<Event>> bound : events.entrySet()) {
            canonical.append('\u0000').append(bound.getKey()).append(':');
            for (Event event : bound.getValue()) {
                canonical.append(event.identity()).append(',');
            }
        }
        byte[] digest = sha256.digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
        return HEX.formatHex(digest, 0, 16);
    }
}
