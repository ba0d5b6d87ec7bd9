package dev.vigil.server.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this build of Vigil is: its version and the git commit its sources were built from, as the build wrote them
 * into {@value #RESOURCE}; shown by {@code vigil --version} and as the {@code vigil_build_info} metric.
 *
 * @param version the project version ({@code 0.1.0-SNAPSHOT})
 * @param commit the abbreviated commit, with {@code -dirty} when the sources had uncommitted changes, or
 *     {@code unknown} (built from sources without their git history, or from an IDE that skipped the build's step)
 */
public record BuildInfo(String version, String commit) {
    static final String RESOURCE = "/META-INF/vigil/build.properties";
    private static final String UNKNOWN = "unknown";
    private static final BuildInfo CURRENT = read();

    /** This build's, read once. */
    public static BuildInfo current() {
        return CURRENT;
    }

    private static BuildInfo read() {
        Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException unreadable) {
            // a jar that cannot be read would not have loaded this class; keep "unknown" rather than fail a start
        }
        return new BuildInfo(known(properties.getProperty("version")), known(properties.getProperty("commit")));
    }

    /** A value the build filled in, or {@code unknown} (missing, or left as the placeholder). */
    private static String known(String value) {
        return value == null || value.isBlank() || value.startsWith("${") ? UNKNOWN : value.strip();
    }

    /** {@code 0.1.0-SNAPSHOT (commit 1a2b3c4d5e6f)}. */
    @Override
    public String toString() {
        return version + " (commit " + commit + ")";
    }
}
