package dev.vigil.flink;

import dev.vigil.nfa.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Kafka in and out of the job: its command-line options (those of {@code vigil run} for reading topics, and the
 * topics it writes to) and the job they build. Events from topics ({@link KafkaEvents}), rule changes from a topic
 * ({@link RulesTopic}), alerts and late events to topics exactly once ({@link KafkaAlerts}); each on its own, so a job
 * may read a file and write to Kafka, or read Kafka and write to folders.
 *
 * <pre>
 * --kafka-bootstrap HOST:PORT,...       the cluster (required with any option below)
 * --kafka-topics TOPIC[=STREAM],...     read events from these topics (instead of --events)
 * --kafka-property KEY=VALUE            a client setting (security, timeouts); repeatable
 * --kafka-bounded                       read the topics to the ends they have at the start, then finish
 * --kafka-idle-timeout MS               a partition without records for this long stops holding event time back
 * --alerts-topic TOPIC                  alerts to this topic, exactly once (instead of --alerts)
 * --late-topic TOPIC                    late events to this topic, exactly once (instead of --late)
 * --kafka-transactional-id-prefix P     the sink's transactional ids (default vigil-&lt;alerts topic&gt;)
 * --rules-topic TOPIC                   rule changes from this topic (instead of --rule-changes)
 * </pre>
 *
 * <p><b>Not thread-safe:</b> the job's {@code main} only.
 */
public final class KafkaJob {
    static final String USAGE = "[--kafka-bootstrap HOST:PORT,... [--kafka-topics TOPIC[=STREAM],... "
            + "[--kafka-bounded] [--kafka-idle-timeout MS]] [--kafka-property KEY=VALUE]... [--alerts-topic TOPIC] "
            + "[--late-topic TOPIC] [--kafka-transactional-id-prefix PREFIX] [--rules-topic TOPIC]]";

    private String bootstrap;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<String> topics = new ArrayList<>();
    private boolean bounded;
    private Duration idleTimeout;
    private String alertsTopic;
    private String lateTopic;
    private String transactionalIdPrefix;
    private String rulesTopic;

    /**
     * Takes the Kafka option at {@code args[i]} and its value.
     *
     * @return the index of the last argument taken, or -1 when {@code args[i]} is not a Kafka option
     */
    int parse(String[] args, int i) {
        switch (args[i]) {
            case "--kafka-bootstrap":
                bootstrap = value(args, ++i);
                return i;
            case "--kafka-topics":
                for (String entry : value(args, ++i).split(",")) {
                    topics.add(entry.strip());
                }
                return i;
            case "--kafka-property":
                KafkaSettings.parseProperty(value(args, ++i), properties);
                return i;
            case "--kafka-bounded":
                bounded = true;
                return i;
            case "--kafka-idle-timeout":
                idleTimeout = Duration.ofMillis(Long.parseLong(value(args, ++i)));
                return i;
            case "--alerts-topic":
                alertsTopic = value(args, ++i);
                return i;
            case "--late-topic":
                lateTopic = value(args, ++i);
                return i;
            case "--kafka-transactional-id-prefix":
                transactionalIdPrefix = value(args, ++i);
                return i;
            case "--rules-topic":
                rulesTopic = value(args, ++i);
                return i;
            default:
                return -1;
        }
    }

    /**
     * Checks the options together with the rest of the command line.
     *
     * @throws IllegalArgumentException what is missing or contradictory
     */
    void check(boolean eventsFile, boolean alertsFolder, boolean lateFolder, boolean changesFolder) {
        boolean any = !topics.isEmpty() || alertsTopic != null || lateTopic != null || rulesTopic != null;
        if (bootstrap == null && (any || !properties.isEmpty())) {
            throw new IllegalArgumentException("--kafka-bootstrap HOST:PORT,... is required with the Kafka options: "
                    + "the cluster to read and write");
        }
        if (bootstrap != null && !any) {
            throw new IllegalArgumentException("--kafka-bootstrap needs something to read or write: --kafka-topics,"
                    + " --alerts-topic, --late-topic or --rules-topic");
        }
        if (eventsFile == readsEvents()) {
            throw new IllegalArgumentException(eventsFile ? "give --events or --kafka-topics, not both"
                    : "--events FILE or --kafka-topics TOPIC[=STREAM],... is required");
        }
        if ((bounded || idleTimeout != null) && !readsEvents()) {
            throw new IllegalArgumentException("--kafka-bounded and --kafka-idle-timeout are about --kafka-topics");
        }
        if (idleTimeout != null && idleTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("--kafka-idle-timeout must be at least 1 ms");
        }
        if (alertsFolder && alertsTopic != null || lateFolder && lateTopic != null) {
            throw new IllegalArgumentException("give --alerts or --alerts-topic (--late or --late-topic), not both");
        }
        if (changesFolder && rulesTopic != null) {
            throw new IllegalArgumentException("give --rule-changes or --rules-topic, not both");
        }
        if (transactionalIdPrefix != null && alertsTopic == null && lateTopic == null) {
            throw new IllegalArgumentException("--kafka-transactional-id-prefix is for --alerts-topic and"
                    + " --late-topic");
        }
        if (readsEvents()) {
            KafkaEvents.topics(topics);   // each entry checked, no topic twice
        }
    }

    boolean readsEvents() {
        return !topics.isEmpty();
    }

    /** The job's name: what it reads. */
    String describe() {
        return "topics " + String.join(",", topics);
    }

    /** The job reading the topics of the command line through {@code rules}. */
    VigilFileJob.Output build(StreamExecutionEnvironment env, VigilRules rules,
            DataStream<Tuple2<String, String>> changes) {
        return build(env, settings(), new KafkaEvents.Topics(KafkaEvents.topics(topics), bounded, idleTimeout), rules,
                changes);
    }

    /**
     * Adds the job reading {@code topics} through {@code rules} to {@code env}, with the rule changes of
     * {@code changes} (null for none) applied as they come. Bad records are its problems; late events those the
     * Kafka source's watermark found and any the job's found.
     */
    public static VigilFileJob.Output build(StreamExecutionEnvironment env, KafkaSettings kafka,
            KafkaEvents.Topics topics, VigilRules rules, DataStream<Tuple2<String, String>> changes) {
        SingleOutputStreamOperator<Event> events = KafkaEvents.read(env, kafka, topics, rules);
        VigilCep.Result result = changes == null ? VigilCep.process(events, rules)
                : VigilCep.process(events, rules, changes);
        VigilCep.Result withSourceLate = new VigilCep.Result(result.matches(), result.timeouts(),
                events.getSideOutput(VigilCep.LATE).union(result.late()));
        return new VigilFileJob.Output(withSourceLate, events.getSideOutput(LineSequencer.PROBLEMS));
    }

    /** The rules stream of {@code --rules-topic}, or null. */
    DataStream<Tuple2<String, String>> changes(StreamExecutionEnvironment env) {
        return rulesTopic == null ? null : RulesTopic.read(env, settings(), rulesTopic);
    }

    /** Writes the alerts to {@code --alerts-topic}; false when there is none. */
    boolean writeAlerts(DataStream<String> alerts) {
        if (alertsTopic == null) {
            return false;
        }
        alerts.sinkTo(KafkaAlerts.alerts(settings(), alertsTopic, prefix())).name("vigil-alerts-topic")
                .uid("vigil-alerts-topic");
        return true;
    }

    /** Writes the late events to {@code --late-topic}; false when there is none. */
    boolean writeLate(DataStream<String> late) {
        if (lateTopic == null) {
            return false;
        }
        late.sinkTo(KafkaAlerts.lateEvents(settings(), lateTopic, prefix() + "-late")).name("vigil-late-topic")
                .uid("vigil-late-topic");
        return true;
    }

    private String prefix() {
        if (transactionalIdPrefix != null) {
            return transactionalIdPrefix;
        }
        return "vigil-" + (alertsTopic != null ? alertsTopic : lateTopic);
    }

    private KafkaSettings settings() {
        return new KafkaSettings(bootstrap, properties);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
