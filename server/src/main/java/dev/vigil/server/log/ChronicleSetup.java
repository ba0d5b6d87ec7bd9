package dev.vigil.server.log;

/**
 * Settings Chronicle Queue reads once, when its classes load: {@code vigil} calls {@link #apply} first thing, and the
 * logs call it before opening a queue (for embedders). Chronicle would otherwise send usage analytics over the
 * network (a server must not call out on its own). Its log lines go through SLF4J to the server's log, where its
 * loggers are at WARN.
 */
public final class ChronicleSetup {
    static {
        setIfAbsent("chronicle.analytics.disable", "true");
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
