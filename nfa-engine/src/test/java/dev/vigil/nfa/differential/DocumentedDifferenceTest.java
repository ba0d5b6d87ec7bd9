package dev.vigil.nfa.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The differential test's exclusions are exactly the documented differences: each exclusion names text of
 * its document, and each bullet of docs/semantics.md's "Intentional differences" has an exclusion.
 */
class DocumentedDifferenceTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final Path SEMANTICS = DOCS.resolve(DocumentedDifference.SEMANTICS);

    @Test
    void everyExclusionIsWrittenInItsDocument() throws IOException {
        for (DocumentedDifference difference : DocumentedDifference.ALL) {
            String document = Files.readString(DOCS.resolve(difference.document()));
            assertTrue(document.contains(difference.section()),
                    "docs/" + difference.document() + " no longer documents '" + difference.section() + "'");
        }
    }

    @Test
    void everyIntentionalDifferenceOfTheDocumentHasAnExclusion() throws IOException {
        String document = Files.readString(SEMANTICS);
        int start = document.indexOf("## Intentional differences");
        assertTrue(start >= 0, "docs/semantics.md has no 'Intentional differences' section");
        int end = document.indexOf("\n## ", start + 1);
        String section = document.substring(start, end < 0 ? document.length() : end);

        List<String> documented = new ArrayList<>();
        Matcher title = Pattern.compile("(?m)^- \\*\\*(.+?)\\.\\*\\*").matcher(section);
        while (title.find()) {
            documented.add(title.group(1));
        }
        List<String> excluded = new ArrayList<>();
        for (DocumentedDifference difference : DocumentedDifference.ALL) {
            if (difference.kind() == DocumentedDifference.Kind.OUTPUT) {
                excluded.add(difference.section());
            }
        }
        assertEquals(documented, excluded);
    }
}
