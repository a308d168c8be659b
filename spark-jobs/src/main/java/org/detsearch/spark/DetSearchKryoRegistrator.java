package org.detsearch.spark;

import com.esotericsoftware.kryo.Kryo;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Kryo registrator DetSearch jobs use: ND4J's, with INDArrays written by {@link NdArrayKryoSerializer} (bulk
 * bytes instead of ND4J's element-by-element stream), plus serializers for Java records and the JDK's unmodifiable
 * lists, since the project's specs and samples are records and Spark's Kryo cannot handle them by itself.
 */
public final class DetSearchKryoRegistrator extends Nd4jRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        super.registerClasses(kryo);
        kryo.register(Nd4j.getBackend().getNDArrayClass(), new NdArrayKryoSerializer());
        kryo.addDefaultSerializer(Record.class, RecordKryoSerializer.class);
        for (Class<?> type : ImmutableListKryoSerializer.TYPES) {
            kryo.addDefaultSerializer(type, ImmutableListKryoSerializer.class);
        }
    }
}
