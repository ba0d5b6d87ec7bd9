package dev.vigil.bench.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * W4's fifty rules and W6's five hundred, as data each engine renders in its own language: three kinds from
 * {@code rules-examples}, with the types and thresholds varied so no two of W4's rules are alike (W6 varies them
 * over the whole range of values, so that most rules' first condition fails on most events). Types are indexes
 * into {@link GeneratedStream#TYPES}.
 *
 * <ul>
 *   <li>20 × {@link Kind#SEQUENCE} (account takeover): {@code x -> y -> z WITHIN 1 HOUR}, x is type {@code first}
 *       with {@code value >= threshold}, y is type {@code second}, z is type {@code third} with {@code value > 50};
 *   <li>15 × {@link Kind#STRICT_PAIR} (impossible travel): {@code p q WITHIN 12 HOURS}, strictly consecutive, p is
 *       type {@code first}, q is type {@code second} with {@code value > p.value + threshold};
 *   <li>15 × {@link Kind#ABSENCE} (missing heartbeat): {@code a -> !b WITHIN 30 SECONDS}, a is type {@code first}
 *       with {@code value < threshold}, b is type {@code second}.
 * </ul>
 * W6 has the same kinds in the same shares (200, 150, 150), thresholds spread over 0..99 by multiples prime to
 * 100. A match's fingerprint starts with its rule's {@link Rule#index()}.
 */
public final class FraudMix {
    public enum Kind {
        SEQUENCE,
        STRICT_PAIR,
        ABSENCE
    }

    /** One rule; {@code third} is only used by sequences. */
    public record Rule(int index, Kind kind, int first, int second, int third, int threshold) {
        public String name() {
            return String.format("r%02d", index);
        }
    }

    /** W4's fifty rules. */
    public static final List<Rule> RULES = rules();

    /** W6's five hundred rules. */
    public static final List<Rule> MANY = many();

    private FraudMix() {
    }

    private static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rules.add(new Rule(rules.size(), Kind.SEQUENCE, i % 5, (i + 1) % 5, (i + 2) % 5, 4 * i));
        }
        for (int j = 0; j < 15; j++) {
            rules.add(new Rule(rules.size(), Kind.STRICT_PAIR, j % 5, (j + j / 5 + 1) % 5, -1, 30 + j));
        }
        for (int j = 0; j < 15; j++) {
            rules.add(new Rule(rules.size(), Kind.ABSENCE, j % 5, (j + 3) % 5, -1, 10 + 5 * j));
        }
        return List.copyOf(rules);
    }

    private static List<Rule> many() {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rules.add(new Rule(rules.size(), Kind.SEQUENCE, i % 5, (i + 1 + i / 5) % 5 == i % 5 ? (i + 2) % 5
                    : (i + 1 + i / 5) % 5, (i + 2) % 5, 37 * i % 100));
        }
        for (int j = 0; j < 150; j++) {
            rules.add(new Rule(rules.size(), Kind.STRICT_PAIR, j % 5, (j + j / 5 + 1) % 5, -1, 13 * j % 60));
        }
        for (int j = 0; j < 150; j++) {
            rules.add(new Rule(rules.size(), Kind.ABSENCE, j % 5, (j + 3) % 5, -1, 1 + 29 * j % 100));
        }
        return List.copyOf(rules);
    }

    /** The rules of W4 or W6; empty for the workloads of one rule. */
    public static List<Rule> of(Workload workload) {
        return workload == Workload.W4 ? RULES : workload == Workload.W6 ? MANY : List.of();
    }
}
