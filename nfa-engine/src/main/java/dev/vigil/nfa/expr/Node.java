package dev.vigil.nfa.expr;

/**
 * A node of a compiled expression tree: evaluates to a {@linkplain Values normalised} value and never
 * throws on data.
 *
 * <p>Nodes are immutable (or cache only immutable values) and are shared by every key and thread that
 * runs the rule. {@link #readsMatch()} is computed once, when the node is built, from the node itself
 * and its children, so callers can ask it per event for free. {@link #toString()} prints the node in
 * rule-language syntax with names resolved: a variable's field {@code v.f} prints as
 * {@code LAST(v.f)}, the current event's field as the bare path.
 */
abstract class Node implements ValueExpression {
    private static final Node[] NO_CHILDREN = new Node[0];

    private final boolean readsMatch;
    /** The operands, for explanations ({@link SeenValues}); evaluation reads its own fields. */
    private final Node[] children;

    /** For nodes that read no variable themselves: reads the match iff a child does. */
    Node(Node... children) {
        this(false, children);
    }

    Node(boolean readsMatchItself, Node... children) {
        boolean reads = readsMatchItself;
        for (Node child : children) {
            reads |= child.readsMatch();
        }
        this.readsMatch = reads;
        this.children = children.length == 0 ? NO_CHILDREN : children.clone();
    }

    /** The node's operands, in the order it prints them. */
    final Node[] children() {
        return children;
    }

    /** Whether evaluating this node reads any pattern variable's events from the {@link MatchView}. */
    public final boolean readsMatch() {
        return readsMatch;
    }
}
