package org.detsearch.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.util.ArrayList;
import java.util.List;

/**
 * Kryo serializer for the JDK's unmodifiable lists (List.of, List.copyOf, Stream.toList), which records use
 * for their list components. Kryo's collection serializer would create an empty one and call add(), which
 * throws UnsupportedOperationException.
 */
public final class ImmutableListKryoSerializer extends Serializer<List<Object>> {
    /** The JDK's private implementation classes (sizes 0, 1-2 and more differ). */
    static final List<Class<?>> TYPES = List.of(List.of().getClass(), List.of(1).getClass(),
            List.of(1, 2, 3).getClass(), java.util.stream.Stream.of(1).toList().getClass());

    public ImmutableListKryoSerializer() {
        setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output output, List<Object> list) {
        output.writeInt(list.size(), true);
        for (Object element : list) {
            kryo.writeClassAndObject(output, element);
        }
    }

    @Override
    public List<Object> read(Kryo kryo, Input input, Class<List<Object>> type) {
        int size = input.readInt(true);
        List<Object> elements = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            elements.add(kryo.readClassAndObject(input));
        }
        // Stream.toList() allows nulls, List.copyOf does not: keep what was written.
        return elements.contains(null) ? java.util.Collections.unmodifiableList(elements) : List.copyOf(elements);
    }
}
