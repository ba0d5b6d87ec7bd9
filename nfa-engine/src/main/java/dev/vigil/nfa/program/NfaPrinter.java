package dev.vigil.nfa.program;

import java.util.Locale;

/** Renders an {@link Nfa} as text ({@code describe}) and as Graphviz ({@code toDot}). */
final class NfaPrinter {
    private NfaPrinter() {}

    static String describe(Nfa nfa) {
        StringBuilder out = new StringBuilder();
        if (nfa.windowMs() > 0) {
            out.append("within ").append(nfa.windowMs()).append(" ms\n");
        }
        out.append("skip ").append(nfa.skip());
        if (nfa.skipVariable() >= 0) {
            out.append(' ').append(nfa.variables().get(nfa.skipVariable()));
        }
        out.append('\n');
        for (Nfa.State state : nfa.states()) {
            out.append(state.id()).append(' ').append(state.name()).append(' ')
                    .append(state.kind().name().toLowerCase(Locale.ROOT));
            if (state.gapWindowMs() > 0) {
                out.append(" gap ").append(state.gapWindowMs()).append(" ms");
            }
            out.append('\n');
            for (Nfa.Edge edge : state.edges()) {
                out.append("  ").append(edge.action().name().toLowerCase(Locale.ROOT)).append(" -> ")
                        .append(edge.target()).append(' ').append(nfa.state(edge.target()).name())
                        .append(" if ").append(edge.guard()).append('\n');
            }
        }
        return out.toString();
    }

    static String toDot(Nfa nfa) {
        StringBuilder out = new StringBuilder("digraph nfa {\n  rankdir=LR;\n");
        for (Nfa.State state : nfa.states()) {
            String shape = switchShape(state.kind());
            out.append("  s").append(state.id()).append(" [label=\"").append(escape(state.name()))
                    .append("\", shape=").append(shape).append("];\n");
        }
        for (Nfa.State state : nfa.states()) {
            for (Nfa.Edge edge : state.edges()) {
                out.append("  s").append(state.id()).append(" -> s").append(edge.target()).append(" [label=\"")
                        .append(edge.action().name().toLowerCase(Locale.ROOT)).append(": ")
                        .append(escape(edge.guard().toString())).append('"');
                if (edge.action() == Nfa.Action.PROCEED) {
                    out.append(", style=dashed");
                }
                out.append("];\n");
            }
        }
        return out.append("}\n").toString();
    }

    private static String switchShape(Nfa.Kind kind) {
        if (kind == Nfa.Kind.FINAL) {
            return "doublecircle";
        } else if (kind == Nfa.Kind.START) {
            return "circle, style=bold";
        } else if (kind == Nfa.Kind.STOP) {
            return "octagon";
        } else if (kind == Nfa.Kind.PENDING) {
            return "doubleoctagon";
        }
        return "circle";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
