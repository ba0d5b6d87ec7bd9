package dev.vigil.bench.compare;

/**
 * One generated event as Esper's Java-class event type {@value #TYPE}: Esper reads its properties through the
 * JavaBean getters, so they are public and the class is. Immutable.
 */
public final class EsperEvent {
    static final String TYPE = "Ev";

    private final String key;
    private final String type;
    private final int value;
    private final long ts;
    private final long id;

    EsperEvent(String key, String type, int value, long ts, long id) {
        this.key = key;
        this.type = type;
        this.value = value;
        this.ts = ts;
        this.id = id;
    }

    public String getKey() {
        return key;
    }

    public String getType() {
        return type;
    }

    public int getValue() {
        return value;
    }

    public long getTs() {
        return ts;
    }

    public long getId() {
        return id;
    }

    @Override
    public String toString() {
        return id + ":" + key + "/" + type + value + "@" + ts;
    }
}
