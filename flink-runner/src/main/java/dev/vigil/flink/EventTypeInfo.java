package dev.vigil.flink;

import dev.vigil.nfa.Event;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type information for Vigil's {@link Event}: serialized by {@link EventSerializer}, never by Kryo. Give it
 * where Flink cannot infer the type ({@code returns(EventTypeInfo.INSTANCE)}, state descriptors).
 */
public final class EventTypeInfo extends TypeInformation<Event> {
    private static final long serialVersionUID = 1L;

    public static final EventTypeInfo INSTANCE = new EventTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<Event> getTypeClass() {
        return Event.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<Event> createSerializer(SerializerConfig config) {
        return EventSerializer.INSTANCE;
    }

    /**
     * Flink 1.x's abstract variant, gone in Flink 2 (no {@code @Override}, so the class compiles against both).
     *
     * @deprecated Flink calls {@link #createSerializer(SerializerConfig)}
     */
    @Deprecated
    @SuppressWarnings("deprecation")
    public TypeSerializer<Event> createSerializer(ExecutionConfig config) {
        return EventSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "VigilEvent";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventTypeInfo;
    }

    @Override
    public int hashCode() {
        return EventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof EventTypeInfo;
    }
}
