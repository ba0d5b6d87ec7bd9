package dev.vigil.nfa.match;

import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.compile.NfaCompiler;
import dev.vigil.nfa.expr.Condition;
import dev.vigil.nfa.expr.MatchView;
import dev.vigil.nfa.program.MiniPattern;
import dev.vigil.nfa.program.Nfa;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test driver in the letter-per-event mini language. An event token is letters, an optional number and an
 * optional {@code @timestamp} ({@code ab}, {@code a5}, {@code b@7}); its letters are the variables it
 * satisfies (by default variable {@code v} holds for events containing the letter v), the number is its
 * {@code value} field, the timestamp defaults to the 1-based position. Events are fed as Flink's CepOperator
 * feeds them in event time: {@code advanceTime(ts)} before the events of each timestamp, then
 * {@code process}. Output lines: a match is its events in match-map order as letter+position
 * ({@code a1 b2 b3}), a timeout {@code timeout@T a1}, a bound trip {@code dropped N}, a work-bound trip
 * {@code over work bound: dropped N}.
 */
final class Scenario implements MatchOutput {
    private final String pattern;
    private final Map<String, Condition> conditions = new HashMap<>();
    private final Map<String, Condition> untils = new HashMap<>();
    private long withinMs = -1;
    private long gapMs = -1;
    private AfterMatchSkip skip = new AfterMatchSkip(AfterMatchSkip.Kind.NO_SKIP, null, Span.NONE);
    private int maxPartialMatches = 10_000;
    private long maxWork = Long.MAX_VALUE;
    private Matcher matcher;
    private PartialMatches state;
    private final List<String> output = new ArrayList<>();
    private final Map<Event, Integer> positions = new LinkedHashMap<>();
    private int fed;

    private Scenario(String pattern) {
        this.pattern = pattern;
    }

    static Scenario pattern(String pattern) {
        return new Scenario(pattern);
    }

    /** Variable {@code variable} holds for events with any of {@code letters}. */
    Scenario define(String variable, String letters) {
        conditions.put(variable, letters(letters));
        return this;
    }

    Scenario define(String variable, Condition condition) {
        conditions.put(variable, condition);
        return this;
    }

    /** {@code UNTIL}: the loop of {@code variable} ends at an event with any of {@code letters}. */
    Scenario until(String variable, String letters) {
        untils.put(variable, letters(letters));
        return this;
    }

    Scenario within(long ms) {
        withinMs = ms;
        return this;
    }

    Scenario gap(long ms) {
        gapMs = ms;
        return this;
    }

    Scenario skip(AfterMatchSkip.Kind kind) {
        return skip(kind, null);
    }

    Scenario skip(AfterMatchSkip.Kind kind, String variable) {
        skip = new AfterMatchSkip(kind, variable, Span.NONE);
        return this;
    }

    Scenario maxPartialMatches(int max) {
        maxPartialMatches = max;
        return this;
    }

    Scenario maxWork(long max) {
        maxWork = max;
        return this;
    }

    Nfa nfa() {
        return matcher().nfa();
    }

    Matcher matcher() {
        if (matcher == null) {
            Map<String, Condition> all = new HashMap<>(conditions);
            for (String name : dev.vigil.nfa.program.PatternVariables.of(MiniPattern.parse(pattern))) {
                all.putIfAbsent(name, letters(name));
            }
            Nfa nfa = NfaCompiler.compile(MiniPattern.parse(pattern), all, untils, withinMs, gapMs, skip);
            matcher = new Matcher(nfa, maxPartialMatches, maxWork);
            state = matcher.newState();
        }
        return matcher;
    }

    PartialMatches state() {
        matcher();
        return state;
    }

    /** Feeds events, each timestamp group after an {@code advanceTime} to that timestamp. */
    Scenario events(String events) {
        matcher();
        long lastTs = Long.MIN_VALUE;
        for (String token : events.trim().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            fed++;
            String body = token;
            long ts = fed;
            int at = token.indexOf('@');
            if (at >= 0) {
                body = token.substring(0, at);
                ts = Long.parseLong(token.substring(at + 1));
            }
            String name = body.replaceAll("[0-9]", "");
            String digits = body.replaceAll("[^0-9]", "");
            Map<String, Object> fields = new HashMap<>();
            fields.put("name", name);
            if (!digits.isEmpty()) {
                fields.put("value", Long.parseLong(digits));
            }
            Event event = new Event("s", ts, fed, fields);
            positions.put(event, fed);
            if (ts != lastTs) {
                matcher.advanceTime(state, ts, this);
                lastTs = ts;
            }
            matcher.process(state, event, ts, this);
        }
        return this;
    }

    /** A watermark: {@code advanceTime(timestamp)}. */
    Scenario advanceTo(long timestamp) {
        matcher().advanceTime(state, timestamp, this);
        return this;
    }

    /** End of input as Flink handles it: a final watermark fires the pending timers, if any. */
    Scenario end() {
        if (matcher().nextDeadline(state) != Long.MAX_VALUE) {
            matcher.advanceTime(state, Long.MAX_VALUE, this);
        }
        return this;
    }

    List<String> output() {
        return output;
    }

    @Override
    public void onMatch(MatchedEvents match) {
        output.add(render(match));
    }

    @Override
    public void onTimeout(MatchedEvents partial, long timeoutTimestamp) {
        output.add("timeout@" + timeoutTimestamp + " " + render(partial));
    }

    @Override
    public void onPartialMatchesDropped(int count) {
        output.add("dropped " + count);
    }

    @Override
    public void onWorkBoundExceeded(int count) {
        output.add("over work bound: dropped " + count);
    }

    private String render(MatchedEvents match) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, List<Event>> entry : match.asMap().entrySet()) {
            for (Event event : entry.getValue()) {
                if (out.length() > 0) {
                    out.append(' ');
                }
                out.append(entry.getKey()).append(positions.get(event));
            }
        }
        return out.toString();
    }

    static Condition letters(String letters) {
        return new Condition() {
            @Override
            public boolean test(Event event, MatchView match) {
                String name = (String) event.field("name");
                for (int i = 0; i < name.length(); i++) {
                    if (letters.indexOf(name.charAt(i)) >= 0) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public boolean readsMatch() {
                return false;
            }

            @Override
            public String toString() {
                return letters;
            }
        };
    }
}
