package org.detsearch.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Parameter counts as the papers and Keras report them. DL4J's {@code numParams()} also counts batch-norm
 * running statistics (mean and variance, 2 per channel), which are not trained; {@link #trainable} leaves them out.
 */
public record ParameterCount(long trainable, long all) {
    public static ParameterCount of(ComputationGraph graph) {
        long trainable = 0;
        long all = 0;
        for (Map.Entry<String, INDArray> entry : graph.paramTable().entrySet()) {
            long n = entry.getValue().length();
            all += n;
            String param = entry.getKey().substring(entry.getKey().lastIndexOf('_') + 1);
            if (!param.equals("mean") && !param.equals("var") && !param.equals("log10stdev")) {
                trainable += n;
            }
        }
        return new ParameterCount(trainable, all);
    }
}
