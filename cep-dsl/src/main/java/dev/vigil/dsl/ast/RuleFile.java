package dev.vigil.dsl.ast;

import java.util.List;

/** The statements of one rule file, in the order written. */
public record RuleFile(String fileName, List<StreamDecl> streams, List<Rule> rules) {
    public RuleFile {
        streams = List.copyOf(streams);
        rules = List.copyOf(rules);
    }
}
