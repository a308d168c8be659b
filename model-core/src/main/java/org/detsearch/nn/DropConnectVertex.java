package org.detsearch.nn;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Drop-connect (stochastic depth) on a residual branch, as EfficientNet's reference applies it: in training each
 * example's branch is kept with probability {@code survivalProbability} and then divided by it (so no rescaling is
 * needed at inference), dropped otherwise; at inference it is the identity.
 */
public final class DropConnectVertex extends ParameterFreeVertex {
    private double survivalProbability;

    public DropConnectVertex() {
    }

    public DropConnectVertex(double survivalProbability) {
        if (!(survivalProbability > 0 && survivalProbability <= 1)) {
            throw new IllegalArgumentException("survival probability must be in (0, 1], got " + survivalProbability);
        }
        this.survivalProbability = survivalProbability;
    }

    @Override
    protected Computation computation() {
        double p = survivalProbability;
        return new Computation() {
            private INDArray mask;

            @Override
            public INDArray forward(INDArray[] inputs, boolean training) {
                INDArray x = inputs[0];
                if (!training) {
                    mask = null;
                    return x.dup();
                }
                long[] shape = new long[x.rank()];
                java.util.Arrays.fill(shape, 1);
                shape[0] = x.size(0);
                // the reference's floor(p + U[0, 1)): 1 with probability p
                mask = Transforms.floor(Nd4j.rand(x.dataType(), shape).addi(p), false).divi(p);
                return x.mul(mask);
            }

            @Override
            public INDArray[] backward(INDArray[] inputs, INDArray outputGradient) {
                return new INDArray[] {mask == null ? outputGradient.dup() : outputGradient.mul(mask)};
            }
        };
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return vertexInputs[0];
    }

    @Override
    public DropConnectVertex clone() {
        return new DropConnectVertex(survivalProbability);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && Double.compare(((DropConnectVertex) o).survivalProbability, survivalProbability) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(survivalProbability);
    }

    public double getSurvivalProbability() {
        return survivalProbability;
    }

    public void setSurvivalProbability(double survivalProbability) {
        this.survivalProbability = survivalProbability;
    }
}
