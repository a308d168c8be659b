package org.detsearch.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * ND4J's single-precision matrix product (BLAS sgemm through {@code Nd4j.gemm}) on square n x n matrices: the best of
 * {@code repeats} timed products after {@code warmup} untimed ones, 2 n^3 floating-point operations each. At large
 * sizes this is the practical peak of the CPU that every other benchmark is a share of.
 */
public record GemmBenchmark(List<Integer> sizes, int warmup, int repeats) {
    public GemmBenchmark {
        if (sizes.isEmpty() || sizes.stream().anyMatch(n -> n < 1) || warmup < 0 || repeats < 1) {
            throw new IllegalArgumentException("need sizes >= 1, warm-up >= 0 and repeats >= 1, got " + sizes + ", "
                    + warmup + ", " + repeats);
        }
        sizes = List.copyOf(sizes);
    }

    public record Measurement(int size, double bestSeconds, double gflops) {
    }

    public List<Measurement> run() {
        List<Measurement> measured = new ArrayList<>();
        for (int n : sizes) {
            INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
            INDArray c = Nd4j.createUninitialized(DataType.FLOAT, new long[] {n, n}, 'f');
            for (int i = 0; i < warmup; i++) {
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            }
            double best = Double.MAX_VALUE;
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            }
            measured.add(new Measurement(n, best, 2.0 * n * n * n / best / 1e9));
        }
        return measured;
    }

    /** The highest GFLOP/s of {@code measured}: the peak. */
    public static Measurement peak(List<Measurement> measured) {
        return measured.stream().max(java.util.Comparator.comparingDouble(Measurement::gflops)).orElseThrow();
    }
}
