package dev.vigil.dsl.parse;

import dev.vigil.dsl.grammar.CepParser;

/** The text of a name as the author meant it: backquotes removed, doubled backquotes undone. */
final class Names {
    private Names() {}

    static String of(CepParser.NameContext ctx) {
        if (ctx.QUOTED_IDENT() != null) {
            String quoted = ctx.QUOTED_IDENT().getText();
            return quoted.substring(1, quoted.length() - 1).replace("``", "`");
        }
        return ctx.getText();
    }
}
