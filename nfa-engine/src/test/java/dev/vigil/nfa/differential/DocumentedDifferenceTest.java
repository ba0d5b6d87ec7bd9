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
 * The differential test's exclusions are exactly the intentional differences written in docs/semantics.md:
 * each exclusion names text of the document, and each bullet of its "Intentional differences" section has an
 * exclusion.
 */
class DocumentedDifferenceTest {
    private static final Path SEMANTICS = Path.of("..", "docs", "semantics.md");

    @Test
    void everyExclusionIsWrittenInTheSemanticsDocument() throws IOException {
        String document = Files.readString(SEMANTICS);
        for (DocumentedDifference difference : DocumentedDifference.ALL) {
            assertTrue(document.contains(difference.section()),
                    "docs/semantics.md no longer documents '" + difference.section() + "'");
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
