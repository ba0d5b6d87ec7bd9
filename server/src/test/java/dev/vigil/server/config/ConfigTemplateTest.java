package dev.vigil.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution's {@code conf/vigil.yaml}: every setting is in it, and what it shows is what the server does. */
class ConfigTemplateTest {
    @TempDir
    Path dir;

    @Test
    void everySettingIsListedWithItsFlagAndVariable() {
        String yaml = ConfigTemplate.text(Map.of());
        for (ConfigKey key : ConfigResolver.KEYS) {
            assertTrue(yaml.contains("\n#" + key.key() + ":"), key.key() + " is missing:\n" + yaml);
            assertTrue(yaml.contains(key.flag()) && yaml.contains(key.env()), key.key());
        }
        assertTrue(yaml.contains("#sinks:"), yaml);
        for (String line : yaml.split("\n")) {
            assertTrue(line.length() <= 120, "too long: " + line);
        }
    }

    @Test
    void theFileAsWrittenChangesNothingAndSetsOnlyWhatItWasGiven() throws Exception {
        Path file = write("vigil.yaml", ConfigTemplate.text(Map.of("port", "9090")));
        ServerConfig read = ConfigResolver.resolve(Map.of(), Map.of(), file);
        assertEquals(9090, read.port());
        assertSameSettings(ConfigResolver.resolve(Map.of("port", "9090"), Map.of(), null), read);
    }

    @Test
    void everyDefaultShownIsTheDefault() throws Exception {
        StringBuilder uncommented = new StringBuilder();
        int values = 0;
        for (String line : ConfigTemplate.text(Map.of()).split("\n")) {
            // "#port: 8080" is a setting; "# Address to bind..." is prose, "#shards:" has no value to show
            if (line.matches("#[A-Za-z]+: .+")) {
                uncommented.append(line.substring(1)).append('\n');
                values++;
            }
        }
        assertEquals(ConfigResolver.KEYS.size() - ConfigTemplate.MACHINE_DEFAULTS.size()
                - (int) ConfigResolver.KEYS.stream().filter(key -> key.defaultValue() == null
                        && key.kind() != ConfigKey.Kind.LIST).count(), values, uncommented.toString());
        ServerConfig read = ConfigResolver.resolve(Map.of(), Map.of(), write("all.yaml", uncommented.toString()));
        assertSameSettings(ConfigResolver.resolve(Map.of(), Map.of(), null), read);
    }

    /**
     * Equal but for paths: a default path is relative to the working directory, the same path in a file relative to
     * the file's folder.
     */
    private static void assertSameSettings(ServerConfig expected, ServerConfig actual) throws Exception {
        for (RecordComponent component : ServerConfig.class.getRecordComponents()) {
            Object want = component.getAccessor().invoke(expected);
            Object got = component.getAccessor().invoke(actual);
            if (want instanceof Path wantPath) {
                assertEquals(wantPath.getFileName(), ((Path) got).getFileName(), component.getName());
            } else {
                assertEquals(want, got, component.getName());
            }
        }
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
