package org.detsearch.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NdArrayKryoSerializerTest {
    private static Kryo kryo() {
        Kryo kryo = new Kryo();
        new DetSearchKryoRegistrator().registerClasses(kryo);
        return kryo;
    }

    private static Object roundTrip(Kryo kryo, Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Output out = new Output(bytes)) {
            kryo.writeClassAndObject(out, value);
        }
        try (Input in = new Input(bytes.toByteArray())) {
            return kryo.readClassAndObject(in);
        }
    }

    @Test
    void arraysOfEveryLayoutComeBackEqual() {
        Kryo kryo = kryo();
        assertTrue(kryo.getRegistration(Nd4j.getBackend().getNDArrayClass()).getSerializer() instanceof NdArrayKryoSerializer,
                "the registrator replaces ND4J's element-by-element serializer");
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 70, 1100); // larger than one copy chunk
        List<INDArray> arrays = List.of(matrix,
                Nd4j.rand(DataType.DOUBLE, 3, 4, 5),
                Nd4j.createFromArray(new long[] {1, -2, Long.MAX_VALUE}),
                Nd4j.createFromArray(new int[][] {{1, 2}, {3, 4}}),
                matrix.get(NDArrayIndex.interval(5, 9), NDArrayIndex.interval(100, 107)), // a view with an offset
                Nd4j.rand(DataType.FLOAT, 'f', 6, 7), // Fortran order
                matrix.getRow(3),
                Nd4j.scalar(2.5f),
                Nd4j.create(DataType.FLOAT, 0, 4), // empty
                Nd4j.createFromArray(true, false, true));
        for (INDArray array : arrays) {
            INDArray back = (INDArray) roundTrip(kryo, array);
            assertEquals(array.dataType(), back.dataType());
            assertArrayEquals(array.shape(), back.shape());
            assertEquals(array, back, "a " + array.dataType() + " array of shape " + java.util.Arrays.toString(array.shape()));
            if (!array.isEmpty()) {
                assertTrue(back.data() != array.data(), "a copy, not the same buffer");
            }
        }
    }

    @Test
    void minibatchesAsDl4jSparkStoresThem() {
        MultiDataSet batch = new MultiDataSet(new INDArray[] {Nd4j.rand(DataType.FLOAT, 2, 3, 8, 8)},
                new INDArray[] {Nd4j.rand(DataType.FLOAT, 2, 54), Nd4j.rand(DataType.FLOAT, 2, 36)},
                null, new INDArray[] {Nd4j.ones(DataType.FLOAT, 2, 54), Nd4j.zeros(DataType.FLOAT, 2, 36)});
        MultiDataSet back = (MultiDataSet) roundTrip(kryo(), batch);
        assertEquals(batch.getFeatures(0), back.getFeatures(0));
        assertEquals(batch.getLabels(1), back.getLabels(1));
        assertEquals(batch.getLabelsMaskArray(0), back.getLabelsMaskArray(0));
    }
}
