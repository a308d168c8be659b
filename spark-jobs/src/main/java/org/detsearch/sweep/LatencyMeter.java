package org.detsearch.sweep;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.model.DetectorOutputs;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Inference latency of a detector network for one image (batch 1): {@code warmup} untimed forward passes (JIT,
 * allocator and cache warm-up), then the median of {@code runs} timed ones, each ended by a synchronisation of the
 * ND4J executioner so that asynchronous backends (CUDA) are timed to completion. The network's raw outputs are
 * timed (the forward pass inference uses, {@link DetectorOutputs}); post-processing (NMS) is not part of it.
 */
public final class LatencyMeter {
    private LatencyMeter() {
    }

    public static TrialRecord.Latency measure(ComputationGraph net, int imageSize, int warmup, int runs) {
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("need at least one timed run and no negative warm-up, got " + runs + ", " + warmup);
        }
        INDArray image = Nd4j.rand(DataType.FLOAT, 1, 3, imageSize, imageSize);
        for (int i = 0; i < warmup; i++) {
            DetectorOutputs.predict(net, image);
            Nd4j.getExecutioner().commit();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            DetectorOutputs.predict(net, image);
            Nd4j.getExecutioner().commit();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        double median = runs % 2 == 1 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
        return new TrialRecord.Latency(median, ms[0], ms[runs - 1], runs, warmup, 1,
                Nd4j.getEnvironment().isCPU() ? "cpu" : "gpu " + Nd4j.getAffinityManager().getDeviceForCurrentThread());
    }
}
