package dev.vigil.dsl.ruletest;

import dev.vigil.dsl.Span;
import java.util.List;

/**
 * One {@code TEST name GIVEN { events } EXPECT { alerts }} block of a rule file, as written: its lines are not
 * read as JSON here (the language has no JSON reader); the test runner reads them and reports a bad one at its
 * line and column.
 *
 * @param span where {@code TEST} is
 * @param given the event (or {@code {"watermark": ts}}) lines, in order
 * @param expect the expected alert lines, in order
 */
public record TestBlock(String name, Span span, List<Line> given, List<Line> expect) {
    public TestBlock {
        given = List.copyOf(given);
        expect = List.copyOf(expect);
    }

    /**
     * One JSON line of a block.
     *
     * @param number the line's 1-based number in the file
     * @param text the whole line as in the file, indentation kept, so a column in it is the file's column
     */
    public record Line(int number, String text) {}
}
