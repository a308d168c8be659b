package org.detsearch.nn;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ViewsTest {
    /** A parameter view as DL4J makes it: an interval of a network's flat parameters, reshaped, deep in the vector. */
    private static INDArray parameterView(INDArray network, long offset) {
        INDArray layer = network.get(NDArrayIndex.interval(0, 0, true), NDArrayIndex.interval(offset, offset + 80 + 11520));
        return layer.reshape(layer.length()).get(NDArrayIndex.interval(80, 80 + 11520)).reshape('c', 5, 16, 16, 3, 3);
    }

    @Test
    void nd4jsOwnIndexingFailsDeepInANetworkWhereViewsWork() {
        INDArray network = Nd4j.arange(0, 100_000).castTo(DataType.DOUBLE).reshape(1, 100_000);
        INDArray w = parameterView(network, 5728);
        // the library bug this class exists for (when DL4J fixes it, this line fails and Views can go)
        assertThrows(NullPointerException.class, () -> w.get(NDArrayIndex.point(3)).assign(0));
        INDArray copy = w.dup();
        for (int c = 0; c < 5; c++) {
            assertEquals(copy.tensorAlongDimension(c, 1, 2, 3, 4), Views.row(w, c));
            assertEquals(copy.get(NDArrayIndex.interval(c, c + 1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()),
                    Views.interval(w, 0, c, 1));
        }
        Views.interval(Views.row(w, 4), 1, 3, 5).assign(-1); // writes land in the network's parameters
        INDArray expected = copy.dup();
        expected.tensorAlongDimension(4, 1, 2, 3, 4).get(NDArrayIndex.all(), NDArrayIndex.interval(3, 8), NDArrayIndex.all(), NDArrayIndex.all()).assign(-1);
        assertEquals(expected, w);
        assertEquals(-1.0, network.getDouble(0, 5808 + 4 * 2304 + 3 * 9), "the root buffer changed");
        assertTrue(Views.interval(w, 0, 0, 5) == w, "the whole range is the array itself");
        assertThrows(IndexOutOfBoundsException.class, () -> Views.interval(w, 1, 10, 7));
    }
}
