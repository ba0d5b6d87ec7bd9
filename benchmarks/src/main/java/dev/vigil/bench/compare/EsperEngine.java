package dev.vigil.bench.compare;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import java.util.HashMap;
import java.util.Map;

/**
 * Esper 9 in this process: the workload's EPL ({@link EsperEpl}) compiled once, then per run a fresh runtime that
 * deploys it and is fed the events one by one on this thread.
 *
 * <p>Esper keeps time by an internal timer by default; here it is switched off and event time drives the clock: the
 * clock is moved to each event's timestamp before the event is sent, and after the last event past every window, so
 * that timeouts and absences fire. Nothing else departs from Esper's defaults, except allowing subscribers
 * ({@link EsperSubscriber}), which the compiler refuses otherwise.
 */
final class EsperEngine implements ComparedEngine {
    /** W4's and W6's statements are named after their rules. */
    private static final Map<String, Integer> RULE_INDEX = ruleIndex();

    private Workload workload;
    private EPCompiled compiled;
    private EsperEvent[] events;
    private int runtimes;

    @Override
    public String name() {
        return "esper";
    }

    @Override
    public void prepare(Workload workload, GeneratedStream stream) throws EPCompileException {
        this.workload = workload;
        compiled = compile(workload);
        events = new EsperEvent[stream.size()];
        for (int i = 0; i < events.length; i++) {
            events[i] = new EsperEvent(stream.key(i), stream.type(i), stream.value(i), stream.timestamp(i), i);
        }
    }

    @Override
    public Run run() throws EPDeployException {
        MatchTally tally = new MatchTally();
        EPRuntime runtime = start(compiled, tally);
        EPEventService service = runtime.getEventService();
        long clock = service.getCurrentTime();
        Stopwatch stopwatch = new Stopwatch(events.length);
        stopwatch.start();
        for (int i = 0; i < events.length; i++) {
            stopwatch.before(i);
            EsperEvent event = events[i];
            if (event.getTs() != clock) {
                clock = event.getTs();
                service.advanceTime(clock);
            }
            service.sendEventBean(event, EsperEvent.TYPE);
        }
        service.advanceTime(clock + EsperEpl.longestWindowMs(workload) + 1);
        Run run = stopwatch.stop(tally);
        runtime.destroy();
        return run;
    }

    @Override
    public MemoryProbe memoryProbe() throws EPCompileException, EPDeployException {
        EPRuntime runtime = start(compile(Workload.W1), new MatchTally());
        return new MemoryProbe() {
            @Override
            public void hold(int keys) {
                EPEventService service = runtime.getEventService();
                long clock = service.getCurrentTime();
                for (int i = 0; i < keys; i++) {
                    long ts = GeneratedStream.FIRST_TIMESTAMP + i / 100;
                    if (ts != clock) {
                        clock = ts;
                        service.advanceTime(clock);
                    }
                    service.sendEventBean(new EsperEvent("m" + i, "A", 0, ts, i), EsperEvent.TYPE);
                }
                service.advanceTime(GeneratedStream.FIRST_TIMESTAMP + keys / 100 + 1000);
            }

            @Override
            public void close() {
                runtime.destroy();
            }
        };
    }

    private static Map<String, Integer> ruleIndex() {
        Map<String, Integer> index = new HashMap<>();
        for (FraudMix.Rule rule : FraudMix.MANY) {   // W4's rules have the names and indexes of W6's first fifty
            index.put(rule.name(), rule.index());
        }
        return Map.copyOf(index);
    }

    private static Configuration configuration() {
        Configuration config = new Configuration();
        config.getCommon().addEventType(EsperEvent.TYPE, EsperEvent.class);
        config.getRuntime().getThreading().setInternalTimerEnabled(false);
        config.getCompiler().getByteCode().setAllowSubscriber(true);
        return config;
    }

    private static EPCompiled compile(Workload workload) throws EPCompileException {
        return EPCompilerProvider.getCompiler().compile(EsperEpl.module(workload),
                new CompilerArguments(configuration()));
    }

    /**
     * A new runtime (its own URI, so nothing is shared with an earlier run's) with the clock at the first event's
     * time and the module deployed, each matching statement's subscriber counting into {@code tally}.
     */
    private EPRuntime start(EPCompiled module, MatchTally tally) throws EPDeployException {
        EPRuntime runtime = EPRuntimeProvider.getRuntime("esper-" + (++runtimes), configuration());
        runtime.getEventService().advanceTime(GeneratedStream.FIRST_TIMESTAMP);
        for (EPStatement statement : runtime.getDeploymentService().deploy(module).getStatements()) {
            Integer rule = RULE_INDEX.get(statement.getName());
            if (rule != null) {
                statement.setSubscriber(EsperSubscriber.ofRule(tally, rule));
            } else if (statement.getName().equals(EsperEpl.STATEMENT)) {
                statement.setSubscriber(EsperSubscriber.of(tally));
            }
        }
        return runtime;
    }
}
