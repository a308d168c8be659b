package org.detsearch.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * INDArrays through Kryo as their raw bytes, copied in bulk. ND4J's own serializer (nd4j-kryo's, behind
 * Nd4jRegistrator) writes one {@code DataOutputStream.writeFloat} per element: profiling the demo's parameter
 * averaging showed executors spending about as long (de)serialising minibatches and the workers' parameters and
 * updater state as fitting. Layout: data type, rank, shape, then length x element-size bytes in C order and this
 * machine's byte order (a marker byte refuses data from a machine of the other order instead of misreading it).
 */
public final class NdArrayKryoSerializer extends Serializer<INDArray> {
    private static final int CHUNK = 1 << 16;
    private static final byte LITTLE = 1;
    private static final byte BIG = 2;

    @Override
    public void write(Kryo kryo, Output output, INDArray array) {
        if (array.dataType() == DataType.UTF8 || array.dataType() == DataType.COMPRESSED) {
            throw new KryoException("cannot serialise an INDArray of " + array.dataType());
        }
        INDArray dense = array.isEmpty() || isPlainBuffer(array) ? array : array.dup('c');
        output.writeByte(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? LITTLE : BIG);
        output.writeString(dense.dataType().name());
        long[] shape = dense.shape();
        output.writeInt(shape.length, true);
        for (long side : shape) {
            output.writeLong(side, true);
        }
        long bytes = dense.length() * dense.dataType().width();
        if (bytes == 0) {
            return;
        }
        ByteBuffer data = dense.data().asNio().duplicate();
        data.position(0).limit((int) bytes);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            data.get(chunk, 0, n);
            output.writeBytes(chunk, 0, n);
        }
    }

    @Override
    public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
        byte order = input.readByte();
        if (order != (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? LITTLE : BIG)) {
            throw new KryoException("an INDArray written on a machine of the other byte order");
        }
        DataType dataType = DataType.valueOf(input.readString());
        long[] shape = new long[input.readInt(true)];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = input.readLong(true);
        }
        INDArray array = Nd4j.create(dataType, shape, 'c');
        long bytes = array.length() * dataType.width();
        if (bytes == 0) {
            return array;
        }
        ByteBuffer data = array.data().asNio().duplicate();
        data.position(0).limit((int) bytes);
        byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
        while (data.hasRemaining()) {
            int n = Math.min(chunk.length, data.remaining());
            input.readBytes(chunk, 0, n);
            data.put(chunk, 0, n);
        }
        return array;
    }

    /** A C-order array that owns its whole buffer from offset 0: its bytes can be copied as they are. */
    private static boolean isPlainBuffer(INDArray array) {
        return !array.isView() && array.ordering() == 'c' && array.data().offset() == 0
                && array.data().length() == array.length();
    }
}
