package dev.vigil.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The names the duration settings had before the duration syntax ({@code compileTimeoutMs}) are read, not taught:
 * the OpenAPI document, the Grafana dashboard and the docs name the current setting, and only the paragraphs that
 * say a name is deprecated name the old one.
 */
class DeprecatedNamesTest {
    private static final Path DOCS = Path.of("..", "docs");

    @Test
    void noUserFacingTextNamesADeprecatedSetting() throws IOException {
        List<String> found = new ArrayList<>();
        try (InputStream in = DeprecatedNamesTest.class.getResourceAsStream("/openapi.json")) {
            scan("openapi.json", new String(in.readAllBytes(), StandardCharsets.UTF_8), found);
        }
        List<Path> docs;
        try (Stream<Path> files = Files.list(DOCS)) {
            docs = files.filter(file -> file.toString().endsWith(".md") || file.toString().endsWith(".json"))
                    .sorted().toList();
        }
        for (Path doc : docs) {
            scan(doc.getFileName().toString(), Files.readString(doc), found);
        }
        scan("README.md", Files.readString(Path.of("..", "README.md")), found);
        assertEquals(List.of(), found);
    }

    /**
     * Adds to {@code found} each deprecated name {@code text} teaches; in prose (Markdown) not in the paragraphs that
     * say it is deprecated.
     */
    private static void scan(String where, String text, List<String> found) {
        boolean prose = where.endsWith(".md");
        for (String paragraph : prose ? text.split("\n\\s*\n") : new String[] {text}) {
            if (prose && paragraph.toLowerCase(Locale.ROOT).contains("deprecated")) {
                continue;
            }
            for (ConfigKey old : ConfigResolver.DEPRECATED_ALIASES.values()) {
                for (String name : List.of(old.key(), old.env(), old.flag())) {
                    if (Pattern.compile("(?<![\\w-])" + Pattern.quote(name) + "(?![\\w-])").matcher(paragraph).find()) {
                        found.add(where + ": " + name);
                    }
                }
            }
        }
    }
}
