package dev.vigil.server.rules;

import dev.vigil.nfa.EventDecoder;
import dev.vigil.nfa.EventFields;
import dev.vigil.nfa.FieldNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The stream names, and each stream's field names, that the server's events have had since it started: so that a
 * rule reading a schemaless stream can be warned of a stream no event has arrived on, or of a field none of its
 * events had ({@link RuleWarnings}). Learnt where events are decoded (it observes the decoder the sources use, on
 * their threads), never on the sequencer's thread.
 *
 * <p><b>Bounds.</b> At most {@link #MAX_STREAMS} stream names and {@link #MAX_FIELDS_PER_STREAM} field paths per
 * stream (a nested field's path and each of its parents count), names of at most {@link #MAX_NAME_CHARS} characters,
 * nested at most {@link #MAX_DEPTH} levels. What falls outside is not kept: it is counted
 * ({@code vigil_seen_names_untracked_total{kind="stream"|"field"}}), reported once to the log, and makes the answer
 * "not known" rather than "never seen" ({@link #complete}, {@link Fields#complete}), so no warning is ever given
 * from a name that was dropped.
 *
 * <p><b>Cost.</b> An event that brings nothing new costs one hash lookup for its stream and one per field, and
 * allocates nothing: the tree's nodes are themselves the callbacks that walk the event's maps. An event read into
 * compact fields ({@link EventFields}) whose names are those of the stream's last such event walked whole costs a
 * comparison, plus the walk of the objects it nests: its own names are known.
 *
 * <p><b>Thread-safe:</b> any number of decoding threads add, lock-free; readers see a recent state.
 */
public final class SeenStreams implements EventDecoder.Observer {
    /** Stream names kept at most. */
    public static final int MAX_STREAMS = 256;
    /** Field paths kept at most per stream. */
    public static final int MAX_FIELDS_PER_STREAM = 256;
    /** Longer stream and field names are not kept. */
    public static final int MAX_NAME_CHARS = 128;
    /** Fields nested deeper are not kept. */
    public static final int MAX_DEPTH = 8;

    private final ConcurrentHashMap<String, Fields> streams = new ConcurrentHashMap<>();
    private final AtomicInteger streamCount = new AtomicInteger();
    private final LongAdder untrackedStreams = new LongAdder();
    private final LongAdder untrackedFields = new LongAdder();
    private final AtomicBoolean streamsReported = new AtomicBoolean();
    private final AtomicBoolean fieldsReported = new AtomicBoolean();
    private volatile Consumer<String> log = message -> { };

    /** Where the first name not kept of each kind is reported. */
    public void reportTo(Consumer<String> log) {
        this.log = log;
    }

    @Override
    public void decoded(String stream, Map<String, Object> event) {
        Fields fields = streams.get(stream);
        if (fields == null) {
            fields = add(stream);
            if (fields == null) {
                return;
            }
        }
        if (event instanceof EventFields compact && compact.names() == fields.shape) {
            FieldNames names = compact.names();
            for (int i = 0; i < names.size(); i++) {
                String name = names.name(i);
                if (compact.get(name) instanceof Map<?, ?> nested) {
                    fields.root.accept(name, nested);
                }
            }
            return;
        }
        event.forEach(fields.root);
        if (event instanceof EventFields compact && fields.complete) {   // every name of it was kept
            fields.shape = compact.names();
        }
    }

    private Fields add(String stream) {
        if (stream.length() > MAX_NAME_CHARS || streamCount.incrementAndGet() > MAX_STREAMS) {
            if (stream.length() <= MAX_NAME_CHARS) {
                streamCount.decrementAndGet();
            }
            untrackedStreams.increment();
            if (!streamsReported.getAndSet(true)) {
                log.accept("events arrived on more than " + MAX_STREAMS + " streams, or on a stream "
                        + "named with more than " + MAX_NAME_CHARS + " characters; the names of further streams are "
                        + "not kept, so rules are no longer warned of streams no event has arrived on "
                        + "(vigil_seen_names_untracked_total counts them)");
            }
            return null;
        }
        Fields fresh = new Fields();
        Fields raced = streams.putIfAbsent(stream, fresh);
        if (raced != null) {
            streamCount.decrementAndGet();
            return raced;
        }
        return fresh;
    }

    /** The fields seen on {@code stream}, or null when no event has arrived on it (or it was not kept). */
    public Fields fields(String stream) {
        return streams.get(stream);
    }

    /** The streams events have arrived on, in no particular order. */
    public List<String> streams() {
        return new ArrayList<>(streams.keySet());
    }

    /** False once a stream name was not kept: then a stream not in {@link #streams} may have had events. */
    public boolean complete() {
        return untrackedStreams.sum() == 0;
    }

    public long untrackedStreams() {
        return untrackedStreams.sum();
    }

    public long untrackedFields() {
        return untrackedFields.sum();
    }

    public void registerMeters(MeterRegistry registry) {
        FunctionCounter.builder("vigil.seen.names.untracked", this, SeenStreams::untrackedStreams)
                .tag("kind", "stream")
                .description("Stream names of arriving events not kept for the rules' warnings (beyond "
                        + MAX_STREAMS + " streams, or longer than " + MAX_NAME_CHARS + " characters)")
                .register(registry);
        FunctionCounter.builder("vigil.seen.names.untracked", this, SeenStreams::untrackedFields)
                .tag("kind", "field")
                .description("Field names of arriving events not kept for the rules' warnings (beyond "
                        + MAX_FIELDS_PER_STREAM + " per stream, longer than " + MAX_NAME_CHARS + " characters or "
                        + "nested deeper than " + MAX_DEPTH + " levels)")
                .register(registry);
    }

    /** The field paths seen on one stream. */
    public final class Fields {
        private final AtomicInteger count = new AtomicInteger();
        private final Node root = new Node(this, 0);
        private volatile boolean complete = true;
        /** The names of the last compact event walked whole, all of them kept; or null. */
        private volatile FieldNames shape;

        /** Whether some event of the stream had the (dotted) field. */
        public boolean has(String dotted) {
            Node node = root;
            for (String segment : dotted.split("\\.", -1)) {
                ConcurrentHashMap<String, Node> children = node.children;
                node = children == null ? null : children.get(segment);
                if (node == null) {
                    return false;
                }
            }
            return true;
        }

        /** Every path of a field seen holding a value (not an object), dotted: what a rule may read. */
        public List<String> paths() {
            List<String> paths = new ArrayList<>();
            root.paths("", paths);
            return paths;
        }

        /** False once a field of the stream was not kept: then a field not seen may have been there. */
        public boolean complete() {
            return complete;
        }

        private void untracked() {
            untrackedFields.increment();
            if (complete) {
                complete = false;
            }
            if (!fieldsReported.getAndSet(true)) {
                log.accept("events of a stream had more than " + MAX_FIELDS_PER_STREAM + " field names, "
                        + "a name longer than " + MAX_NAME_CHARS + " characters, or fields nested deeper than "
                        + MAX_DEPTH + " levels; such names are not kept, and rules on that stream are no longer "
                        + "warned of fields its events never had (vigil_seen_names_untracked_total counts them)");
            }
        }
    }

    /** One field of the tree, and the callback that walks an object held in it. */
    private static final class Node implements BiConsumer<String, Object> {
        private final Fields owner;
        private final int depth;
        private volatile ConcurrentHashMap<String, Node> children;

        Node(Fields owner, int depth) {
            this.owner = owner;
            this.depth = depth;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void accept(String name, Object value) {
            ConcurrentHashMap<String, Node> known = children;
            Node child = known == null ? null : known.get(name);
            if (child == null) {
                child = add(name);
                if (child == null) {
                    return;
                }
            }
            if (value instanceof Map<?, ?> object) {
                if (child.depth >= MAX_DEPTH) {
                    if (!object.isEmpty()) {
                        owner.untracked();
                    }
                    return;
                }
                ((Map<String, Object>) object).forEach(child);
            }
        }

        private Node add(String name) {
            if (name.length() > MAX_NAME_CHARS || owner.count.incrementAndGet() > MAX_FIELDS_PER_STREAM) {
                if (name.length() <= MAX_NAME_CHARS) {
                    owner.count.decrementAndGet();
                }
                owner.untracked();
                return null;
            }
            ConcurrentHashMap<String, Node> known = children;
            if (known == null) {
                synchronized (this) {   // once per object field: its first nested field
                    known = children;
                    if (known == null) {
                        known = new ConcurrentHashMap<>();
                        children = known;
                    }
                }
            }
            Node fresh = new Node(owner, depth + 1);
            Node raced = known.putIfAbsent(name, fresh);
            if (raced != null) {
                owner.count.decrementAndGet();
                return raced;
            }
            return fresh;
        }

        void paths(String prefix, List<String> out) {
            ConcurrentHashMap<String, Node> known = children;
            if (known == null) {
                return;
            }
            known.forEach((name, node) -> {
                String path = prefix + name;
                if (node.children == null) {
                    out.add(path);
                } else {
                    node.paths(path + ".", out);
                }
            });
        }
    }
}
