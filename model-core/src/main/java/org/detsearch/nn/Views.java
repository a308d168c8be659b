package org.detsearch.nn;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Sub-arrays that share memory with their parent, made directly from the parent's buffer, strides and offset.
 * ND4J 1.0.0-M2.1's {@code get()} on a view of a view (a layer's parameter view is one: an interval of the network's
 * flat parameters, reshaped) checks the new offset, which counts from the start of the root buffer, against the
 * length of the parent's sub-buffer: past that length it returns an empty array (NullPointerException on use),
 * which happens to every parameter sub-view beyond the first few thousand parameters of a network.
 */
public final class Views {
    private Views() {
    }

    /** Indices [from, from + count) along {@code axis}, a view. */
    public static INDArray interval(INDArray a, int axis, long from, long count) {
        if (from < 0 || count < 1 || from + count > a.size(axis)) {
            throw new IndexOutOfBoundsException("[" + from + ", " + (from + count) + ") along axis " + axis + " of "
                    + Arrays.toString(a.shape()));
        }
        if (from == 0 && count == a.size(axis)) {
            return a;
        }
        long[] shape = a.shape().clone(); // ND4J may hand out its own shape array
        shape[axis] = count;
        return Nd4j.create(root(a), shape, a.stride().clone(), a.offset() + from * a.stride(axis), a.ordering());
    }

    /** Index {@code index} of the first axis, that axis dropped (a view of rank - 1). */
    public static INDArray row(INDArray a, long index) {
        if (index < 0 || index >= a.size(0) || a.rank() < 2) {
            throw new IndexOutOfBoundsException("row " + index + " of " + Arrays.toString(a.shape()));
        }
        long[] shape = Arrays.copyOfRange(a.shape(), 1, a.rank());
        long[] stride = Arrays.copyOfRange(a.stride(), 1, a.rank());
        return Nd4j.create(root(a), shape, stride, a.offset() + index * a.stride(0), a.ordering());
    }

    private static DataBuffer root(INDArray a) {
        DataBuffer original = a.data().originalDataBuffer();
        return original == null ? a.data() : original;
    }
}
