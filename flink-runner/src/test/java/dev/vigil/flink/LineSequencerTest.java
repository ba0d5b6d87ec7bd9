package dev.vigil.flink;

import static dev.vigil.flink.HarnessOutput.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The file's line count and the streams' clocks are operator state: restored from a checkpoint, the sequencer
 * numbers the next line where it left off and finds late what was late before the checkpoint.
 */
class LineSequencerTest {
    private static final VigilRules RULES = VigilRules.of(List.of(new VigilRules.RuleFile("tx.cep", """
            STREAM transactions (account STRING, ts TIMESTAMP) WATERMARK DELAY 2 SECONDS;
            RULE two FROM transactions PARTITION BY account PATTERN a b DEFINE a AS TRUE, b AS TRUE;
            """)));

    @Test
    @SuppressWarnings("unchecked")   // the harness's output holds records and watermarks as Objects
    void aRestoredSequencerGoesOnNumberingAndDecidingLatenessWhereItStopped() throws Exception {
        OperatorSubtaskState checkpoint;
        try (OneInputStreamOperatorTestHarness<Tuple2<String, Boolean>, Event> before = harness()) {
            before.open();
            before.processElement(line("{\"stream\": \"transactions\", \"ts\": 10000, \"account\": \"a\"}"), 0);
            before.processElement(line("not json"), 0);
            checkpoint = before.snapshot(1, 1);
        }
        try (OneInputStreamOperatorTestHarness<Tuple2<String, Boolean>, Event> after = harness()) {
            after.initializeState(checkpoint);
            after.open();
            after.processElement(line("{\"stream\": \"transactions\", \"ts\": 7999, \"account\": \"a\"}"), 0);
            after.processElement(line("{\"stream\": \"transactions\", \"ts\": 8000, \"account\": \"a\"}"), 0);
            after.processElement(Tuple2.of("", true), 0);

            List<Event> passed = new ArrayList<>();
            for (Object record : after.getOutput()) {
                passed.add(((StreamRecord<Event>) record).getValue());
            }
            assertEquals(1, passed.size(), passed.toString());
            assertEquals(4, passed.get(0).sequence());   // lines 1 and 2 were read before the checkpoint
            List<String> late = values(after.getSideOutput(VigilCep.LATE));
            assertEquals(1, late.size(), late.toString());
            assertTrue(late.get(0).startsWith("{\"line\":3,") && late.get(0).contains("the watermark 7999 of stream"
                    + " 'transactions' (latest event time 10000, watermark delay 2000 ms)"), late.get(0));
            List<String> problems = values(after.getSideOutput(LineSequencer.PROBLEMS));
            assertEquals(List.of("line 5: too long: more than 64 bytes (the bound on one line, as the server's on one"
                    + " WebSocket message) (line skipped)"), problems);
        }
    }

    /** Events leave through the job's own serializer, as in the job (the harness would otherwise copy them with Kryo). */
    private static OneInputStreamOperatorTestHarness<Tuple2<String, Boolean>, Event> harness() throws Exception {
        OneInputStreamOperatorTestHarness<Tuple2<String, Boolean>, Event> harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new LineSequencer(RULES,
                        new NdjsonLines(64).tooLongMessage())));
        harness.setup(EventSerializer.INSTANCE);
        return harness;
    }

    private static Tuple2<String, Boolean> line(String text) {
        return Tuple2.of(text, false);
    }
}
