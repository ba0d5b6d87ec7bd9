package dev.vigil.flink;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.KeyedRule;
import dev.vigil.nfa.runtime.KeyMatches;
import dev.vigil.nfa.runtime.KeyStateFormat;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One key's partial matches of one rule in the keyed operator's state ({@link KeyBuffer}): as the engine's key-state
 * bytes, or decoded ({@link KeyMatches}) when the state backend keeps objects on the heap, so that a visit neither
 * decodes nor encodes. Bytes are written when Flink needs them: the RocksDB backend at each update (the keyed
 * operator then hands over bytes), the heap backend only to snapshot or copy a state (copy on write, while a
 * checkpoint is being written).
 *
 * <p><b>Threads:</b> the task's thread visits a decoded state; a checkpoint's thread may write the bytes of a state
 * the task has stopped using (the heap backend copies a state before the task changes it while a snapshot is being
 * written), while the task's thread copies the same state. Writing bytes walks the state and marks it, so
 * {@link #bytes} locks; each thread encodes with codecs of its own ({@link #CODECS}).
 */
final class RuleMatches {
    /** Per thread, a codec per rule: codecs reuse their buffers. */
    private static final ThreadLocal<Map<CompiledRule, KeyStateFormat>> CODECS =
            ThreadLocal.withInitial(IdentityHashMap::new);
    private static final int MAX_CODECS_PER_THREAD = 256;

    /** The state's bytes; null while {@link #decoded} holds it. */
    private byte[] bytes;
    private KeyMatches decoded;
    /** The rule whose visit left {@link #decoded}: its shape encodes it. */
    private CompiledRule rule;

    private RuleMatches(byte[] bytes, KeyMatches decoded, CompiledRule rule) {
        this.bytes = bytes;
        this.decoded = decoded;
        this.rule = rule;
    }

    static RuleMatches ofBytes(byte[] bytes) {
        return new RuleMatches(bytes, null, null);
    }

    static RuleMatches ofDecoded(CompiledRule rule, KeyMatches decoded) {
        return new RuleMatches(null, decoded, rule);
    }

    /**
     * The state decoded, for a visit of {@code rule} on the task's thread; bytes are decoded with {@code format},
     * the rule's codec of that thread, and the decoded state is kept (a visit changes it in place).
     */
    KeyMatches decoded(CompiledRule rule, KeyStateFormat format) {
        if (decoded == null) {
            decoded = KeyMatches.decode(format, bytes);
            this.rule = rule;
            bytes = null;
        }
        return decoded;
    }

    /**
     * The state decoded for one visit of a state held as bytes (the RocksDB backend): a fresh decoding, not kept
     * (the visit's outcome is written back as bytes).
     */
    KeyMatches read(KeyStateFormat format) {
        return decoded != null ? decoded : KeyMatches.decode(format, bytes);
    }

    /** The state's bytes: encoded now (with this thread's codec of the rule) when it is held decoded. */
    synchronized byte[] bytes() {
        if (decoded == null) {
            return bytes;
        }
        Map<CompiledRule, KeyStateFormat> codecs = CODECS.get();
        KeyStateFormat format = codecs.get(rule);
        if (format == null) {
            if (codecs.size() >= MAX_CODECS_PER_THREAD) {
                codecs.clear();   // rules replaced many times: their old versions' codecs go
            }
            format = KeyedRule.format(rule);
            codecs.put(rule, format);
        }
        return decoded.encode(format);
    }

    /** A copy that later visits of either do not reach: the bytes (arrays never change once made). */
    RuleMatches copy() {
        return ofBytes(bytes());
    }
}
