package dev.vigil.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The YAML configuration file of the distribution ({@code conf/vigil.yaml}): every setting of {@link
 * ConfigResolver#KEYS}, with its description, flag, environment variable and default, commented out; the build
 * writes it from the keys themselves ({@link #main}), so the file never lags behind the settings.
 *
 * <p>A commented line uncommented gives the default it shows (a test checks all of them at once). Settings whose
 * default depends on the machine ({@link #MACHINE_DEFAULTS}) show no value.
 */
public final class ConfigTemplate {
    /** Settings whose default is computed where the server runs (cores, heap), so no value is written for them. */
    static final Set<String> MACHINE_DEFAULTS = Set.of("shards", "maxKeys", "maxKeysPerRule");
    private static final int WIDTH = 116;

    private ConfigTemplate() {
    }

    /**
     * Writes the template: {@code args[0]} is the file to write, each further argument {@code key=value} a setting
     * written uncommented with that value (a YAML scalar, as given).
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> set = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int equals = args[i].indexOf('=');
            set.put(args[i].substring(0, equals), args[i].substring(equals + 1));
        }
        Path file = Path.of(args[0]);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text(set), StandardCharsets.UTF_8);
    }

    /** The template, with the settings of {@code set} (key to YAML scalar) uncommented. */
    public static String text(Map<String, String> set) {
        StringBuilder yaml = new StringBuilder();
        paragraph(yaml, "Configuration of vigil serve. Every setting is listed with its default, commented out: "
                + "remove the '#' before a key to set it. A flag (--port 9090) wins over an environment variable "
                + "(VIGIL_PORT), which wins over this file, which wins over the default. Relative paths are "
                + "relative to this file's folder. Unknown keys and wrong values stop the server with a message "
                + "naming them.");
        paragraph(yaml, "Bearer tokens are never read from a file: give them in the environment variable "
                + "VIGIL_TOKENS=\"admin:TOKEN,ingest:TOKEN,read:TOKEN\" (or --token).");
        for (ConfigKey key : ConfigResolver.KEYS) {
            yaml.append('\n');
            paragraph(yaml, key.description());
            paragraph(yaml, "Flag " + key.flag() + ", environment variable " + key.env() + "; " + key.kind().expected()
                    + ".");
            String value = set.get(key.key());
            if (value != null) {
                yaml.append(key.key()).append(": ").append(value).append('\n');
            } else {
                yaml.append('#').append(key.key()).append(':').append(defaultValue(key)).append('\n');
            }
        }
        yaml.append('\n');
        paragraph(yaml, "Alert sinks that rules send to by name (TO fraud_hook) or that attach themselves to rules "
                + "(\"rules\"); file only. See docs/api.md, Sinks.");
        yaml.append("""
                #sinks:
                #  fraud_hook:
                #    type: webhook
                #    url: https://hooks.example.com/fraud
                #    rules: [card_testing]
                """);
        return yaml.toString();
    }

    /** {@code " 8080"}, {@code " \"127.0.0.1\""}, {@code " []"}, or {@code ""} for none or the machine's. */
    private static String defaultValue(ConfigKey key) {
        if (key.kind() == ConfigKey.Kind.LIST) {
            return " []";
        }
        if (key.defaultValue() == null || MACHINE_DEFAULTS.contains(key.key())) {
            return "";
        }
        if (key.kind() == ConfigKey.Kind.TEXT || key.kind() == ConfigKey.Kind.PATH) {
            return " \"" + key.defaultValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return " " + key.defaultValue();
    }

    /** {@code text} as {@code # } comment lines of at most {@link #WIDTH} characters. */
    private static void paragraph(StringBuilder yaml, String text) {
        StringBuilder line = new StringBuilder("#");
        for (String word : text.split(" ")) {
            if (line.length() > 1 && line.length() + 1 + word.length() > WIDTH) {
                yaml.append(line).append('\n');
                line = new StringBuilder("#");
            }
            line.append(' ').append(word);
        }
        yaml.append(line).append('\n');
    }
}
