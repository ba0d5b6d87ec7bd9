package dev.vigil.nfa.runtime;

import dev.vigil.nfa.EngineConfig;
import java.util.Arrays;

/**
 * The bounds on keys holding partial matches in one engine, per rule and over every rule, and the counts: each rule's
 * key store keeps its {@link Share}, adding to it when a key begins to hold partial matches and taking from it when
 * it stops, so the engine checks its bound with one comparison after each call and finds the rule holding the most
 * keys in a logarithm of the rules.
 *
 * <p>What happens at a bound ({@link RuleRuntime#evictOldest}, {@link dev.vigil.nfa.Engine}): a rule over its own
 * bound evicts its keys that have held partial matches the longest; when the engine is over its total, the rule
 * holding the most keys evicts its oldest, so a rule flooded with keys loses state before the rules beside it. Among
 * rules holding as many, the first in deployment order: shares are numbered as they are made, and a rule that takes
 * over its predecessor's store ({@link RuleRuntime#takeOver}) takes its share under a new number, as it is deployed
 * after every running rule.
 *
 * <p><b>The largest share.</b> The shares are kept in a binary heap ordered by keys held (most first), then by
 * number, so {@link #largest} is its root. A key joining moves its share up past the shares it now holds more keys
 * than (most often none: one comparison with its parent), a key leaving moves it down; each at most a logarithm of
 * the rules (a scan of every rule per eviction cost 11 % of W6's time, five hundred rules over the bound on every
 * event; docs/performance.md). The heap is put in order at each change, never later: moving several changed
 * shares at once, each as if it alone had changed, can leave the heap out of order.
 *
 * <p><b>Not thread-safe:</b> owned by one engine.
 */
public final class KeyBudget {
    private final int maxPerRule;
    private final int maxTotal;
    /** Keys holding partial matches over every rule of the engine. */
    private long holding;
    /** The shares not retired, a binary heap in {@link #before} order. */
    private Share[] heap = new Share[8];
    private int size;
    /** The number the next share gets: deployment order. */
    private long nextNumber;

    public KeyBudget(EngineConfig.KeyBounds bounds) {
        this.maxPerRule = bounds.maxKeysPerRule();
        this.maxTotal = bounds.maxKeys();
    }

    /** A budget no input reaches: for a runtime on its own (tests, tools). */
    public static KeyBudget unbounded() {
        return new KeyBudget(EngineConfig.KeyBounds.unbounded());
    }

    public int maxPerRule() {
        return maxPerRule;
    }

    public int maxTotal() {
        return maxTotal;
    }

    /** Keys holding partial matches over every rule. */
    public long holding() {
        return holding;
    }

    /** True when more keys hold partial matches than the engine's total allows. */
    public boolean overTotal() {
        return holding > maxTotal;
    }

    /** A new share for {@code owner}, numbered after every other: its keys are counted in the engine's total. */
    Share share(RuleRuntime owner) {
        Share share = new Share(owner, nextNumber++);
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = share;
        share.position = size++;
        siftUp(share);
        return share;
    }

    /**
     * The rule holding the most keys (the first in deployment order among equals), or null when no share is left.
     * Between two engine calls' key changes only.
     */
    public RuleRuntime largest() {
        return size == 0 ? null : heap[0].owner;
    }

    /** Whether {@code a} comes before {@code b}: it holds more keys, or as many and was deployed first. */
    private static boolean before(Share a, Share b) {
        return a.holders > b.holders || (a.holders == b.holders && a.number < b.number);
    }

    private void siftUp(Share share) {
        int at = share.position;
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (!before(share, heap[parent])) {
                break;
            }
            place(heap[parent], at);
            at = parent;
        }
        place(share, at);
    }

    private void siftDown(Share share) {
        int at = share.position;
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            if (!before(heap[child], share)) {
                break;
            }
            place(heap[child], at);
            at = child;
        }
        place(share, at);
    }

    private void place(Share share, int at) {
        heap[at] = share;
        share.position = at;
    }

    private void remove(Share share) {
        int at = share.position;
        share.position = -1;
        Share last = heap[--size];
        heap[size] = null;
        if (last != share) {
            place(last, at);
            siftUp(last);
            siftDown(last);
        }
    }

    /**
     * One rule's keys holding partial matches, counted by its key store and in the engine's total. The store calls
     * {@link #joined} and {@link #left} as keys begin and stop holding partial matches; the rule owns the share.
     */
    public final class Share {
        private RuleRuntime owner;
        private long number;
        private int holders;
        /** Its index in the heap, or -1 once retired. */
        private int position;

        private Share(RuleRuntime owner, long number) {
            this.owner = owner;
            this.number = number;
        }

        /** A key began to hold partial matches. */
        void joined() {
            holders++;
            holding++;
            if (position >= 0) {
                siftUp(this);
            }
        }

        /** A key stopped holding partial matches. */
        void left() {
            holders--;
            holding--;
            if (position >= 0) {
                siftDown(this);
            }
        }

        /** Every key stopped holding partial matches (the store forgot them all). */
        void cleared() {
            holding -= holders;
            holders = 0;
            if (position >= 0) {
                siftDown(this);
            }
        }

        /** The keys holding partial matches. */
        int holders() {
            return holders;
        }

        /** {@code successor} took over the store counted here: it owns the share, deployed after every rule. */
        void passTo(RuleRuntime successor) {
            owner = successor;
            number = nextNumber++;
            if (position >= 0) {
                siftDown(this);
            }
        }

        /**
         * The rule is gone, its store cleared ({@link #cleared}), or it took over another's store and share: no
         * longer a candidate.
         */
        void retire() {
            if (holders != 0) {
                throw new IllegalStateException(holders + " keys still hold partial matches");
            }
            if (position >= 0) {
                remove(this);
            }
        }
    }
}
