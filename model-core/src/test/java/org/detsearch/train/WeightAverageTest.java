package org.detsearch.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WeightAverageTest {
    @Test
    void earlyStepsDecayAsTfsNumUpdatesThenTheConfiguredDecay() {
        WeightAverage average = new WeightAverage(0.9998, Nd4j.zeros(DataType.DOUBLE, 3));
        assertEquals(2.0 / 11, average.decayAt(1), 1e-12, "min(0.9998, (1 + 1) / (10 + 1))");
        assertEquals(0.9998, average.decayAt(1_000_000), 1e-12);
    }

    @Test
    void aRoundOfStepsAtOnceEqualsTheStepsOneByOneOnTheSameWeights() {
        INDArray weights = Nd4j.createFromArray(1.0, 2.0, 3.0);
        WeightAverage stepwise = new WeightAverage(0.99, Nd4j.zeros(DataType.DOUBLE, 3));
        for (int step = 0; step < 4; step++) {
            stepwise.update(weights, step, step + 1);
        }
        WeightAverage round = new WeightAverage(0.99, Nd4j.zeros(DataType.DOUBLE, 3));
        round.update(weights, 0, 4);
        assertEquals(stepwise.values(), round.values());
        // (2/11)(3/12)(4/13)(5/14) of the start remains
        double kept = 2.0 / 11 * 3 / 12 * 4 / 13 * 5 / 14;
        assertEquals(3 * (1 - kept), round.values().getDouble(2), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new WeightAverage(1.0, weights));
    }
}
