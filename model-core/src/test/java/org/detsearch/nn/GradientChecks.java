package org.detsearch.nn;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Double-precision gradient checks of small graphs with DetSearch's custom pieces, as DL4J's GradientCheckUtil
 * does them (central differences of the score with epsilon 1e-6, relative error 1e-4 unless the absolute error is
 * below 1e-8; the gradient taken after a NoOp updater's division by the minibatch size), but parameter by parameter
 * through the NAMED parameter views. GradientCheckUtil maps flat indices to names in {@code paramTable()} order
 * (vertex index order) while the flat vector is laid out in topological order; in a graph where the two differ it
 * checks parameters under the wrong names, so it cannot leave out batch-norm running statistics (whose "gradients"
 * are DL4J's update of the estimates, not derivatives), and it reports BiFPN cells as failing. The random
 * generator is reset before every pass so drop-connect draws the same masks each time.
 */
public final class GradientChecks {
    private static final double EPSILON = 1e-6;
    private static final double MAX_RELATIVE_ERROR = 1e-4;
    private static final double MIN_ABSOLUTE_ERROR = 1e-8;
    private static final long SEED = 12345;

    private GradientChecks() {
    }

    public static boolean check(ComputationGraph net, INDArray[] inputs, INDArray[] labels) {
        MultiDataSet data = new MultiDataSet(inputs, labels);
        Nd4j.getRandom().setSeed(SEED);
        net.setInputs(inputs);
        net.setLabels(labels);
        net.computeGradientAndScore();
        Gradient gradient = net.gradient();
        new ComputationGraphUpdater(net).update(gradient, 0, 0, (int) inputs[0].size(0), LayerWorkspaceMgr.noWorkspaces());
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        // same ordering as the parameter views, so that a linear index means the same element in both (dense weights are f-ordered)
        gradient.gradientForVariable().forEach((name, g) -> analytic.put(name, g.dup(g.ordering())));

        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, INDArray> entry : net.paramTable().entrySet()) {
            String name = entry.getKey();
            if (name.endsWith("_mean") || name.endsWith("_var") || name.endsWith("_log10stdev")) {
                continue;
            }
            INDArray param = entry.getValue();
            INDArray backprop = analytic.get(name);
            for (long i = 0; i < param.length(); i++) {
                double original = param.getDouble(i);
                param.putScalar(i, original + EPSILON);
                double plus = score(net, data);
                param.putScalar(i, original - EPSILON);
                double minus = score(net, data);
                param.putScalar(i, original);
                double numerical = (plus - minus) / (2 * EPSILON);
                double computed = backprop.getDouble(i);
                double absolute = Math.abs(computed - numerical);
                double relative = absolute == 0 ? 0 : absolute / (Math.abs(computed) + Math.abs(numerical));
                if (relative > MAX_RELATIVE_ERROR && absolute > MIN_ABSOLUTE_ERROR) {
                    failures.add(name + "[" + i + "]: backprop " + computed + ", numerical " + numerical);
                }
                checked++;
            }
        }
        if (!failures.isEmpty()) {
            System.err.println(failures.size() + " of " + checked + " gradients wrong, e.g. " + failures.subList(0, Math.min(10, failures.size())));
        }
        return failures.isEmpty() && checked > 0;
    }

    private static double score(ComputationGraph net, MultiDataSet data) {
        Nd4j.getRandom().setSeed(SEED);
        return net.score(data, true);
    }
}
