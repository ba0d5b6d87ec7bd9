package dev.vigil.bench.compare;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * W1's pattern in Flink's {@link CepOperator}, built as {@code CEP.pattern(keyed, pattern).process(f)} builds it
 * (no comparator, no late-data output, no timeout handling), inside Flink's keyed operator test harness. The
 * harness's MemoryStateBackend keeps keyed state and timers in the same HeapKeyedStateBackend as the job's default
 * HashMapStateBackend. The harness rather than a job: the measurement is deterministic, since every event has been
 * processed when {@link #hold} returns, and no MiniCluster, network buffers or in-flight records share the heap
 * with the state being measured.
 *
 * <p><b>Not thread-safe:</b> the runner's thread drives it.
 */
final class FlinkHarnessProbe implements ComparedEngine.MemoryProbe {
    private final KeyedOneInputStreamOperatorTestHarness<String, FlinkEvent, Void> harness;

    FlinkHarnessProbe() throws Exception {
        FlinkRule w1 = FlinkRules.of(Workload.W1).get(0);
        Pattern<FlinkEvent, ?> pattern = w1.pattern();
        CepOperator<FlinkEvent, String, Void> operator = new CepOperator<>(
                TypeInformation.of(FlinkEvent.class).createSerializer(new SerializerConfigImpl()), false,
                NFACompiler.compileFactory(pattern, false), null, pattern.getAfterMatchSkipStrategy(),
                new FlinkTallying(w1), null);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(operator, new FlinkEngine.ByKey(), Types.STRING);
        harness.open();
    }

    @Override
    public void hold(int keys) throws Exception {
        for (int i = 0; i < keys; i++) {
            FlinkEvent event = new FlinkEvent("m" + i, "A", 0, GeneratedStream.FIRST_TIMESTAMP + i / 100, i);
            harness.processElement(new StreamRecord<>(event, event.ts));
        }
        harness.processWatermark(new Watermark(GeneratedStream.FIRST_TIMESTAMP + keys / 100 + 1000));
    }

    @Override
    public void close() throws Exception {
        harness.close();
    }
}
