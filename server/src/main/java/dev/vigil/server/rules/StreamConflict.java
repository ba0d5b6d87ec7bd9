package dev.vigil.server.rules;

import dev.vigil.dsl.Diagnostic;
import dev.vigil.dsl.ast.StreamDecl;
import java.util.List;

/**
 * A {@code STREAM} declaration that contradicts the one in force for the same stream: other fields, other field
 * types or another event time field. Events of a stream are decoded against one declaration, so the server
 * refuses the second instead of letting the latest silently win (which left the rules of the first unable to
 * match: their events were refused for lacking the other's event time field). The watermark delay may differ:
 * the largest applies.
 *
 * @param declared the declaration being deployed
 * @param inForce the declaration in force
 * @param origin where {@code inForce} was deployed from: a rule file, or {@link RuleRegistry#REQUEST_FILE}
 * @param holders the running rules deployed with {@code inForce}, other than those the deployment replaces
 * @param difference the first way they differ, in words
 */
public record StreamConflict(StreamDecl declared, StreamDecl inForce, String origin, List<String> holders,
        String difference) {
    public StreamConflict {
        holders = List.copyOf(holders);
    }

    /** What the author is told: the stream, where it is declared otherwise, by which rules, and how it differs. */
    public String message() {
        String where = origin.equals(RuleRegistry.REQUEST_FILE) ? "over HTTP" : "in " + origin + ":" + inForce.span();
        return "stream '" + declared.name() + "' is already declared differently " + where + ", with the running "
                + (holders.size() == 1 ? "rule " : "rules ") + String.join(", ", holders) + ": " + difference
                + "; declare it the same way, or name the stream differently";
    }

    /** The conflict as a diagnostic at the declaration in {@code file}, whose text is {@code text}. */
    Diagnostic diagnostic(String file, String text) {
        String line = text.lines().skip(declared.span().line() - 1).findFirst().orElse(null);
        return new Diagnostic(file, declared.span(), message(), line);
    }
}
