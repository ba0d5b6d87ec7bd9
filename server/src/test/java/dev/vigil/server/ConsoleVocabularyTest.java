package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.dsl.Functions;
import dev.vigil.dsl.ast.FieldType;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.parse.Keywords;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The console's editor highlights and completes the rule language from {@code console/src/vocabulary.json}: its
 * keywords (reserved or not), types, severities and functions must be the language's, as cep-dsl defines them, or
 * the editor would colour a name as a keyword or offer a function the server refuses.
 */
class ConsoleVocabularyTest {
    private static final Path VOCABULARY = Path.of("..", "console", "src", "vocabulary.json");

    @Test
    void theEditorsVocabularyIsTheLanguages() throws Exception {
        JsonObject vocabulary = new JsonObject(Files.readString(VOCABULARY));
        Set<String> reserved = new TreeSet<>(strings(vocabulary.getJsonArray("reserved")));
        Set<String> nonReserved = new TreeSet<>(strings(vocabulary.getJsonArray("nonReserved")));
        Set<String> expectedReserved = new TreeSet<>();
        Set<String> expectedNonReserved = new TreeSet<>();
        for (String keyword : Keywords.all()) {
            (Keywords.isReserved(keyword) ? expectedReserved : expectedNonReserved).add(keyword);
        }
        assertEquals(expectedReserved, reserved, "reserved keywords of " + VOCABULARY);
        assertEquals(expectedNonReserved, nonReserved, "non-reserved keywords of " + VOCABULARY);

        List<String> types = new ArrayList<>();
        for (FieldType type : FieldType.values()) {
            types.add(type.name());
        }
        assertEquals(types, strings(vocabulary.getJsonArray("types")));
        assertEquals(Rule.SEVERITIES, strings(vocabulary.getJsonArray("severities")));

        JsonArray expected = new JsonArray();
        for (Functions.Signature function : Functions.all()) {
            expected.add(new JsonObject().put("name", function.name())
                    .put("category", function.category().name().toLowerCase(Locale.ROOT))
                    .put("usage", function.usage()).put("summary", function.summary()));
        }
        assertEquals(expected, vocabulary.getJsonArray("functions"), "the functions of " + VOCABULARY
                + " should be (one per line there):\n" + expected.encodePrettily());
    }

    private static List<String> strings(JsonArray array) {
        List<String> list = new ArrayList<>();
        array.forEach(value -> list.add((String) value));
        return list;
    }
}
