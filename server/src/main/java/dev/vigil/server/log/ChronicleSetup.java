package dev.vigil.server.log;

/**
 * Settings Chronicle Queue and SLF4J read once, when their classes load: {@code vigil} calls {@link #apply} first
 * thing, and the logs call it before opening a queue (for embedders). Chronicle would otherwise send usage
 * analytics over the network (a server must not call out on its own) and log at info level; warnings of every
 * library logging through SLF4J still reach stderr.
 */
public final class ChronicleSetup {
    static {
        setIfAbsent("chronicle.analytics.disable", "true");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    }

    private ChronicleSetup() {
    }

    /** Applies the settings (once, in this class's initializer); a value already given on the command line wins. */
    public static void apply() {
        // the static initializer did the work; calling this makes sure it ran
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }
}
