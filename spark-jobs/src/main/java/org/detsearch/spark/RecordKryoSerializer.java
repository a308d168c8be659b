package org.detsearch.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * Kryo serializer for Java records. Spark's Kryo 4 predates records: its field serializer cannot set a
 * record's final fields on Java 17 ("can't get field offset on a record class"). This writes the components
 * in declaration order and reads them back through the canonical constructor, so validation there runs too.
 */
public final class RecordKryoSerializer<T extends Record> extends Serializer<T> {
    private final Method[] accessors;
    private final Constructor<T> constructor;

    public RecordKryoSerializer(Class<T> type) {
        RecordComponent[] components = type.getRecordComponents();
        this.accessors = new Method[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            accessors[i] = components[i].getAccessor();
            accessors[i].setAccessible(true);
            types[i] = components[i].getType();
        }
        try {
            this.constructor = type.getDeclaredConstructor(types);
            this.constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("record " + type.getName() + " has no canonical constructor", e);
        }
    }

    @Override
    public void write(Kryo kryo, Output output, T record) {
        try {
            for (Method accessor : accessors) {
                kryo.writeClassAndObject(output, accessor.invoke(record));
            }
        } catch (ReflectiveOperationException e) {
            throw new KryoException("cannot read the components of " + record.getClass().getName(), e);
        }
    }

    @Override
    public T read(Kryo kryo, Input input, Class<T> type) {
        Object[] values = new Object[accessors.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = kryo.readClassAndObject(input);
        }
        try {
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new KryoException("cannot construct " + type.getName(), e);
        }
    }
}
