package dev.vigil.connectors;

/**
 * The server's alert log as a log-following sink reads it: every alert in the order it was emitted, each under its
 * number (1, 2, 3, ... in the durable alert log, the same across restarts). A sink that reads its alerts here rather
 * than taking them from {@link Sink#offer} can resume after the last alert it delivered, so nothing is lost to a
 * full queue or a crash ({@link KafkaSink}).
 *
 * <p><b>Thread-safe:</b> {@link #follow} and {@link #lastNumber} from any thread; a {@link Cursor} belongs to the
 * thread that opened it.
 */
public interface AlertFeed {
    /** A feed of no alerts, for sinks opened where there is no alert log (tests, the command line). */
    AlertFeed NONE = new AlertFeed() {
        @Override
        public Cursor follow(long afterNumber) {
            return new Cursor() {
                @Override
                public Entry next() {
                    return null;
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public long lastNumber() {
            return 0;
        }
    };

    /**
     * A cursor that reads the alerts numbered above {@code afterNumber}, oldest first. Opened and used on one thread
     * (the sink's); may block briefly to position itself in the log.
     */
    Cursor follow(long afterNumber);

    /** The number of the newest alert logged, 0 when none has been. */
    long lastNumber();

    /** Reads the log forward; <b>not thread-safe</b>. */
    interface Cursor extends AutoCloseable {
        /**
         * The next alert, or null when every alert logged so far has been read. Numbers increase by one, except where
         * the log no longer holds alerts (retention, a bounded log in memory): the gap shows as a jump.
         */
        Entry next();

        @Override
        void close();
    }

    /**
     * One logged alert.
     *
     * @param number its number in the alert log, from 1
     * @param alertId the alert's own id
     * @param json the alert's JSON object, as the other sinks get it
     */
    record Entry(long number, String alertId, String rule, String json) {}
}
