package dev.vigil.nfa.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.Condition;
import dev.vigil.nfa.expr.MatchView;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The matcher's behaviour, construct by construct, in the letter-per-event language of {@link Scenario}.
 * Expected results follow Flink CEP 1.20's NFA; where that is not obvious, the comment names the Flink code.
 */
class MatcherTest {
    private static void assertMatches(String pattern, String events, String... expected) {
        assertEquals(List.of(expected), Scenario.pattern(pattern).events(events).output(),
                pattern + " on " + events);
    }

    /** For matches completing on the same event, whose relative order only Flink's heap layout decides. */
    private static void assertMatchSet(String pattern, String events, String... expected) {
        Set<String> actual = new TreeSet<>(Scenario.pattern(pattern).events(events).output());
        assertEquals(new TreeSet<>(List.of(expected)), actual, pattern + " on " + events);
    }

    @Nested
    class Contiguity {
        @Test
        void strictNeedsTheNextEvent() {
            assertMatches("a b", "a b", "a1 b2");
            assertMatches("a b", "a x b");
        }

        @Test
        void relaxedSkipsToTheNextMatchingEvent() {
            assertMatches("a -> b", "a c b b", "a1 b3");
        }

        @Test
        void nonDeterministicTakesEveryLaterMatchingEvent() {
            assertMatches("a ->> b", "a c b b", "a1 b3", "a1 b4");
        }

        @Test
        void everyEventMayStartARun() {
            assertMatches("a -> b", "a a b", "a1 b3", "a2 b3");
        }
    }

    @Nested
    class Quantifiers {
        // Flink's documentation example for looping contiguity: C D A1 A2 A3 D A4 B.
        @Test
        void anOptionalCountTakesNoEventOrTheCount() {
            // b{2,3} OPTIONAL is Flink's times(2, 3).optional(): no b, or two or three, never one
            assertMatches("a b{2,3} OPTIONAL c", "a c", "a1 c2");
            assertMatches("a b{2,3} OPTIONAL c", "a b c");
            assertMatches("a b{2,3} OPTIONAL c", "a b b c", "a1 b2 b3 c4");
            assertMatches("a b{2,3} OPTIONAL c", "a b b b b c");
            assertMatches("a b{2,} OPTIONAL c", "a b c");
            assertMatches("a b{2,} OPTIONAL c", "a b b b b c", "a1 b2 b3 b4 b5 c6");
        }

        @Test
        void consecutiveLoopStopsAtTheFirstOtherEvent() {
            assertMatchSet("c -> a+ CONSECUTIVE -> b", "c d a a a d a b",
                    "c1 a3 b8", "c1 a3 a4 b8", "c1 a3 a4 a5 b8");
        }

        @Test
        void relaxedLoopSkipsOtherEvents() {
            assertMatchSet("c -> a+ -> b", "c d a a a d a b",
                    "c1 a3 b8", "c1 a3 a4 b8", "c1 a3 a4 a5 b8", "c1 a3 a4 a5 a7 b8");
        }

        @Test
        void combinationsLoopTakesEverySubsequence() {
            assertMatchSet("c -> a+ COMBINATIONS -> b", "c d a a a d a b",
                    "c1 a3 b8", "c1 a3 a4 b8", "c1 a3 a5 b8", "c1 a3 a7 b8", "c1 a3 a4 a5 b8",
                    "c1 a3 a4 a7 b8", "c1 a3 a5 a7 b8", "c1 a3 a4 a5 a7 b8");
        }

        @Test
        void loopInnerContiguityFollowsTheOperatorBeforeIt() {
            assertMatchSet("c a+ b", "c a a b", "c1 a2 a3 b4");
            assertMatches("c a+ b", "c a x a b");
            assertMatchSet("c ->> a+ -> b", "c a a b", "c1 a2 b4", "c1 a3 b4", "c1 a2 a3 b4");
        }

        @Test
        void optionalStageMayBeSkipped() {
            assertMatches("a b? c", "a c", "a1 c2");
            assertMatches("a b? c", "a b c", "a1 b2 c3");
            assertMatches("a b? c", "a x c");
        }

        @Test
        void starIsOptionalLoop() {
            assertMatches("a -> b* -> c", "a c", "a1 c2");
            assertMatchSet("a -> b* -> c", "a b c", "a1 b2 c3", "a1 c3");
        }

        @Test
        void exactTimes() {
            assertMatches("a -> b{2} -> c", "a b x b c", "a1 b2 b4 c5");
            assertMatches("a b{2} c", "a b b c", "a1 b2 b3 c4");
            assertMatches("a b{2} c", "a b x b c");
        }

        @Test
        void timesRangeAndTimesOrMore() {
            assertMatchSet("a -> b{2,3} -> c", "a b b b c", "a1 b2 b3 c5", "a1 b2 b3 b4 c5");
            assertMatchSet("a -> b{2,} -> c", "a b b b c", "a1 b2 b3 c5", "a1 b2 b3 b4 c5");
            assertMatches("a -> b{2,3} -> c", "a b c");
        }

        @Test
        void timesFromZeroIsOptional() {
            assertMatches("a b{0,2} c", "a c", "a1 c2");
            assertMatches("a b{0,2} c", "a b b c", "a1 b2 b3 c4");
        }

        @Test
        void loopAtThePatternStartIsStrict() {
            // fail{3} ok: three consecutive failures, then a success.
            assertMatches("f{3} o", "f f x f o");
            assertMatches("f{3} o", "f f f o", "f1 f2 f3 o4");
        }

        @Test
        void untilEndsTheLoop() {
            Scenario scenario = Scenario.pattern("a -> b+ -> c").until("b", "x").events("a b b x b c");
            assertEquals(Set.of("a1 b2 c6", "a1 b2 b3 c6"), Set.copyOf(scenario.output()));
            assertMatchSet("a -> b+ -> c", "a b b x b c", "a1 b2 c6", "a1 b2 b3 c6", "a1 b2 b3 b5 c6");
        }

        @Test
        void greedyLoopPrefersTakingOverMovingOn() {
            // Without GREEDY an event satisfying both b and c also ends the loop; with it, only c-only events do.
            Scenario plain = Scenario.pattern("a b+ c").define("c", "c").events("a b bc c");
            assertEquals(Set.of("a1 b2 c3", "a1 b2 b3 c4"), Set.copyOf(plain.output()));
            Scenario greedy = Scenario.pattern("a b+ GREEDY c").define("c", "c").events("a b bc c");
            assertEquals(List.of("a1 b2 b3 c4"), greedy.output());
        }

        @Test
        void greedyTimesRangeLosesLongRunsLikeFlink() {
            // Flink 1.20 quirk (docs/semantics.md): greedy times(2,4) followed by a stage finds nothing when
            // more than 4 loop events arrive in a row.
            assertMatches("a -> b{2,4} GREEDY -> c", "a b b b b b c");
        }
    }

    @Nested
    class Negation {
        @Test
        void notNextForbidsTheNextEvent() {
            assertMatches("a !b c", "a c", "a1 c2");
            assertMatches("a !b c", "a b c");
            assertMatches("a !b -> c", "a x c", "a1 c3");
        }

        @Test
        void notFollowedByForbidsAnyEventBetween() {
            assertMatches("a -> !b -> c", "a x c", "a1 c3");
            assertMatches("a -> !b -> c", "a x b c");
        }

        @Test
        void trailingAbsenceCompletesWhenTheWindowCloses() {
            Scenario quiet = Scenario.pattern("a -> !b").within(10).events("a@1");
            assertEquals(List.of(), quiet.output());
            assertEquals(11, quiet.matcher().nextDeadline(quiet.state()));
            assertEquals(List.of(), quiet.advanceTo(10).output());
            assertEquals(List.of("a1"), quiet.advanceTo(11).output());
            assertTrue(quiet.matcher().isIdle(quiet.state()));

            assertEquals(List.of(), Scenario.pattern("a -> !b").within(10).events("a@1 b@5").end().output());
        }

        @Test
        void trailingAbsenceWithOnlyAGapWindowWaitsForTheNextEvent() {
            // Flink quirk: a PREVIOUS_AND_CURRENT window sets no timer (CepOperator registers timers for
            // WITHIN only), so the absence is noticed only when the key's next event advances time.
            Scenario scenario = Scenario.pattern("a -> !b").gap(10).events("a@1");
            assertEquals(Long.MAX_VALUE, scenario.matcher().nextDeadline(scenario.state()));
            assertEquals(List.of(), scenario.end().output());
            assertEquals(List.of("a1"), scenario.events("x@30").output());
        }

        @Test
        void trailingNotNextIsDecidedByTheNextEvent() {
            // a !b at the end (Flink's begin(a).notNext(b)): the match is the a alone, emitted when the key's next
            // event arrives and is not a b; that event is not part of the match. No next event, no match.
            assertMatches("a !b", "a x", "a1");
            assertMatches("a !b", "a b");
            assertMatches("a !b", "a b a x", "a3");
            Scenario waiting = Scenario.pattern("a !b").events("a@1");
            assertEquals(List.of(), waiting.end().output());
            assertEquals(List.of("a1"), waiting.events("x@30").output());
        }

        @Test
        void negationBeforeAnOptionalLastStageIsIgnoredForTheShortMatch() {
            // Flink quirk: a -> !b -> c? emits {a} at once (findFinalStateAfterProceed), whatever follows.
            assertMatches("a -> !b -> c?", "a b", "a1");
        }
    }

    @Nested
    class Groups {
        @Test
        void loopingGroup() {
            assertMatches("(a b)+ c", "a b a b c", "a1 a3 b2 b4 c5", "a3 b4 c5");
        }

        @Test
        void groupTimesWithRelaxedBody() {
            assertMatches("(a -> b){2}", "a b a x b", "a1 a3 b2 b5");
        }

        @Test
        void optionalGroup() {
            assertMatches("x (a b)? c", "x c", "x1 c2");
            assertMatches("x (a b)? c", "x a b c", "x1 a2 b3 c4");
        }
    }

    @Nested
    class Windows {
        @Test
        void withinIsStrict() {
            assertEquals(List.of("a1 b2"), Scenario.pattern("a -> b").within(5).events("a@1 b@5").output());
            assertEquals(List.of("timeout@6 a1"),
                    Scenario.pattern("a -> b").within(5).events("a@1 b@6").output());
        }

        @Test
        void gapWindowBoundsEachStep() {
            assertEquals(List.of("a1 b2 c3"),
                    Scenario.pattern("a -> b -> c").gap(3).events("a@1 b@3 c@5").output());
            assertEquals(List.of("timeout@6 a1 b2"),
                    Scenario.pattern("a -> b -> c").gap(3).events("a@1 b@3 c@6").output());
        }

        @Test
        void gapWindowIsIgnoredOnLoopingStages() {
            // Flink's NFACompiler gives a PREVIOUS_AND_CURRENT window only to states of steps without Times.
            assertEquals(List.of("timeout@4 a1 b2", "a1 b2 b3 c4"),
                    Scenario.pattern("a -> b+ -> c").gap(2).events("a@1 b@2 b@10 c@11").output());
        }

        @Test
        void optionalLastStageMatchesEarlyAndTimesOutLater() {
            // Flink quirk: the shorter match is emitted at once, and the run waiting for b later times out.
            assertEquals(List.of("a1", "timeout@6 a1"),
                    Scenario.pattern("a -> b?").within(5).events("a@1").end().output());
        }

        @Test
        void timeoutsComeFromAdvanceTime() {
            Scenario scenario = Scenario.pattern("a -> b").within(5).events("a@1");
            Matcher matcher = scenario.matcher();
            assertEquals(6, matcher.nextDeadline(scenario.state()));
            assertEquals(1, matcher.partialMatchCount(scenario.state()));
            assertEquals(List.of(), scenario.advanceTo(5).output());
            assertEquals(List.of("timeout@6 a1"), scenario.advanceTo(9).output());
            assertEquals(Long.MAX_VALUE, matcher.nextDeadline(scenario.state()));
            assertTrue(matcher.isIdle(scenario.state()));
        }
    }

    @Nested
    class SkipStrategies {
        // Flink's documentation example: (a|b|c) (b|c) c+ greedy d over a b c1 c2 c3 d.
        private List<String> run(AfterMatchSkip.Kind kind, String variable) {
            return Scenario.pattern("x y z+ GREEDY d").define("x", "abc").define("y", "bc").define("z", "c")
                    .skip(kind, variable).events("a b c c c d").output();
        }

        @Test
        void noSkipKeepsEveryMatch() {
            assertEquals(List.of("x1 y2 z3 z4 z5 d6", "x2 y3 z4 z5 d6", "x3 y4 z5 d6"),
                    run(AfterMatchSkip.Kind.NO_SKIP, null));
        }

        @Test
        void skipToNextDropsOnlyMatchesStartingWithTheSameEvent() {
            assertEquals(List.of("x1 y2 z3 z4 z5 d6", "x2 y3 z4 z5 d6", "x3 y4 z5 d6"),
                    run(AfterMatchSkip.Kind.TO_NEXT_EVENT, null));
        }

        @Test
        void skipPastLastEventDropsEverythingOverlapping() {
            assertEquals(List.of("x1 y2 z3 z4 z5 d6"), run(AfterMatchSkip.Kind.PAST_LAST_EVENT, null));
        }

        @Test
        void skipToFirstKeepsMatchesStartingAtTheFirstEventOfTheVariable() {
            assertEquals(List.of("x1 y2 z3 z4 z5 d6", "x3 y4 z5 d6"), run(AfterMatchSkip.Kind.TO_FIRST, "z"));
        }

        @Test
        void skipToLastKeepsMatchesStartingAtTheLastEventOfTheVariable() {
            assertEquals(List.of("x1 y2 z3 z4 z5 d6"), run(AfterMatchSkip.Kind.TO_LAST, "z"));
        }

        @Test
        void aCompletedMatchWaitsForEarlierPartialMatchesAndMayBeLost() {
            // FLINK-15873: with a skip strategy, {x2 y3} waits while the run started at x1 is alive; x1's
            // later match then prunes it.
            Condition sameValue = new Condition() {
                @Override
                public boolean test(Event event, MatchView match) {
                    return event.field("name").equals("b") && match.count(0) == 1
                            && match.event(0, 0).field("value").equals(event.field("value"));
                }
            };
            Scenario noSkip = Scenario.pattern("x -> y").define("x", "a").define("y", sameValue)
                    .events("a1 a2 b2 b1");
            assertEquals(List.of("x2 y3", "x1 y4"), noSkip.output());
            Scenario pastLast = Scenario.pattern("x -> y").define("x", "a").define("y", sameValue)
                    .skip(AfterMatchSkip.Kind.PAST_LAST_EVENT).events("a1 a2 b2");
            assertEquals(List.of(), pastLast.output());
            assertEquals(List.of("x1 y4"), pastLast.events("b1").output());
        }
    }

    @Nested
    class IterativeConditions {
        @Test
        void conditionSeesEventsOfTheRunItExtends() {
            Condition sameValueAsA = new Condition() {
                @Override
                public boolean test(Event event, MatchView match) {
                    return event.field("name").equals("c") && match.count(0) == 1
                            && match.event(0, 0).field("value").equals(event.field("value"));
                }
            };
            assertEquals(List.of("a1 c3"),
                    Scenario.pattern("a -> c").define("c", sameValueAsA).events("a5 c6 c5").output());
        }

        @Test
        void loopConditionSeesTheLoopsEarlierEventsButNotTheCurrentOne() {
            Condition firstB = new Condition() {
                @Override
                public boolean test(Event event, MatchView match) {
                    return event.field("name").equals("b") && match.count(1) < 1;
                }
            };
            assertEquals(List.of("a1 b2 c3"), Scenario.pattern("a b+ c").define("b", firstB).events("a b c").output());
            assertEquals(List.of(), Scenario.pattern("a b+ c").define("b", firstB).events("a b b c").output());
        }
    }

    @Nested
    class Bounds {
        @Test
        void oldestPartialMatchesAreDroppedBeyondTheBound() {
            Scenario scenario = Scenario.pattern("a ->> b").maxPartialMatches(2).events("a a a b");
            assertEquals(List.of("dropped 1", "a2 b4", "a3 b4"), scenario.output());
            assertEquals(2, scenario.matcher().partialMatchCount(scenario.state()));
        }

        @Test
        void anEventOverTheWorkBoundDropsEveryPartialMatchOfItsKeyAndMeetsTheEmptiedKey() {
            // Every b doubles the runs (each takes it and each skips it): stepping them costs more with each b.
            String events = "a b b b b b b ab b c";
            Scenario unbounded = Scenario.pattern("a ->> b+ ->> c").events(events);
            assertEquals(255 + 1, unbounded.output().size(), "every combination of a1's b's, and a8 b9 c10");
            Scenario bounded = Scenario.pattern("a ->> b+ ->> c").maxWork(400).events(events);
            // The fifth b costs more than 400: the key's 23 partial matches go, and that b meets an empty key (it
            // starts nothing); ab starts a run there again, which b and c complete.
            assertEquals(List.of("over work bound: dropped 23", "a8 b9 c10"), bounded.output());
            assertEquals(3, bounded.matcher().partialMatchCount(bounded.state()), "a8's runs go on");
        }

        @Test
        void belowTheWorkBoundMatchingIsUnchanged() {
            String events = "a b b b b b b ab b c";
            assertEquals(Scenario.pattern("a ->> b+ ->> c").events(events).output(),
                    Scenario.pattern("a ->> b+ ->> c").maxWork(1_000_000).events(events).output());
        }

        @Test
        void heldCompletedMatchesGoWithTheirKeyOverTheWorkBound() {
            Condition aboveA = new Condition() {
                @Override
                public boolean test(Event event, MatchView match) {
                    return event.field("name").equals("b") && match.count(0) == 1
                            && (Long) event.field("value") > (Long) match.event(0, 0).field("value");
                }
            };
            String events = "a5 a1 b3 a1 a1 a1 a1 a1 a1 a1 a1 a1 a1 a1 a1 a1";
            // Skip past last event holds a1 b3 back while a5, which started before it, is still partial.
            Scenario unbounded = Scenario.pattern("a ->> b").define("b", aboveA)
                    .skip(AfterMatchSkip.Kind.PAST_LAST_EVENT).events(events);
            assertEquals(1, unbounded.state().completed.size());
            Scenario bounded = Scenario.pattern("a ->> b").define("b", aboveA)
                    .skip(AfterMatchSkip.Kind.PAST_LAST_EVENT).maxWork(14).events(events);
            // Each a1 adds a run; when their steps pass 14 units the 12 partial matches and the held match go.
            assertEquals(List.of("over work bound: dropped 13"), bounded.output());
            assertEquals(0, bounded.state().completed.size());
            assertEquals(3, bounded.matcher().partialMatchCount(bounded.state()),
                    "the a1 that tripped the bound started afresh on the emptied key, and the two after it");
        }

        @Test
        void timeoutsOverTheWorkBoundAreDroppedWithTheirKey() {
            Scenario scenario = Scenario.pattern("a ->> b").within(100).maxWork(20).events("a a a a a a a a a a");
            scenario.advanceTo(1_000);
            assertEquals(List.of("over work bound: dropped 10"), scenario.output());
            assertTrue(scenario.matcher().isIdle(scenario.state()));
            Scenario unbounded = Scenario.pattern("a ->> b").within(100).events("a a a a a a a a a a").advanceTo(1_000);
            assertEquals(10, unbounded.output().size(), "ten timeouts without the bound");
        }

        @Test
        void aKeyWithOnlyTheStartRunIsIdle() {
            Scenario scenario = Scenario.pattern("a b");
            assertTrue(scenario.matcher().isIdle(scenario.state()));
            scenario.events("a");
            assertFalse(scenario.matcher().isIdle(scenario.state()));
            scenario.events("x");
            assertTrue(scenario.matcher().isIdle(scenario.state()));
            assertEquals(0, scenario.matcher().partialMatchCount(scenario.state()));
        }
    }
}
