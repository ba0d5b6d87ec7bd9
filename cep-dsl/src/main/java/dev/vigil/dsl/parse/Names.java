package dev.vigil.dsl.parse;

import dev.vigil.dsl.grammar.CepParser;

/** The text of a name as the author meant it: backquotes removed, doubled backquotes undone. */
final class Names {
    private Names() {}

    static String of(CepParser.NameContext ctx) {
        return unquote(ctx.QUOTED_IDENT() != null, ctx.getText());
    }

    static String of(CepParser.VariableNameContext ctx) {
        return unquote(ctx.QUOTED_IDENT() != null, ctx.getText());
    }

    private static String unquote(boolean quoted, String text) {
        return quoted ? text.substring(1, text.length() - 1).replace("``", "`") : text;
    }
}
