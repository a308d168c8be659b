package org.detsearch.nn;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Set;

/**
 * Runs a test class with ND4J's default data type set to double (gradient checks need it) and restores the
 * previous default afterwards: {@code @ExtendWith(DoublePrecision.class)}; {@link #gradientsCheck} is DL4J's check
 * for graphs whose vertex order is topological (for the others see {@code GradientChecks}).
 */
public final class DoublePrecision implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DoublePrecision.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("previous", Nd4j.dataType());
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        DataType previous = context.getStore(NAMESPACE).get("previous", DataType.class);
        Nd4j.setDefaultDataTypes(previous, previous);
    }

    /** DL4J's finite-difference check of every parameter (but {@code excluded}) of an initialised network. */
    public static boolean gradientsCheck(ComputationGraph net, INDArray[] inputs, INDArray[] labels, Set<String> excluded) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net).inputs(inputs).labels(labels)
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).excludeParams(excluded));
    }
}
