package org.detsearch.nn;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * Double-precision gradient checks of small graphs with DetSearch's custom pieces. Batch-norm running statistics
 * are left out (their "gradients" are DL4J's update of the estimates, not derivatives), and the random generator is
 * reset before every pass so drop-connect draws the same masks in each.
 */
public final class GradientChecks {
    private GradientChecks() {
    }

    public static boolean check(ComputationGraph net, INDArray[] inputs, INDArray[] labels) {
        Set<String> runningStatistics = net.paramTable().keySet().stream()
                .filter(k -> k.endsWith("_mean") || k.endsWith("_var") || k.endsWith("_log10stdev")).collect(Collectors.toSet());
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net).inputs(inputs).labels(labels)
                .excludeParams(runningStatistics).callEachIter(n -> Nd4j.getRandom().setSeed(12345))
                .epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8));
    }
}
