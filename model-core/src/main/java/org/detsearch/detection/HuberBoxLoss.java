package org.detsearch.detection;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * EfficientDet's box loss as a DL4J loss: Huber with delta 0.1 on the encoded targets, only where the target is
 * not 0 (as the reference masks), summed, divided by 4 (positive anchors + 1) and weighted by 50. Labels are
 * {@code [batch, anchors * 4]}; the mask marks the coordinates of positive anchors (the positives are counted
 * from it). Scores and gradients are scaled by the minibatch size, which DL4J divides out again.
 */
public class HuberBoxLoss extends BatchNormalisedLoss {
    private double delta = 0.1;
    private double weight = 50.0;

    public HuberBoxLoss() {
    }

    public HuberBoxLoss(double delta, double weight) {
        this.delta = delta;
        this.weight = weight;
    }

    private INDArray active(INDArray labels, INDArray mask) {
        INDArray nonZero = Transforms.abs(labels, true).gt(0).castTo(labels.dataType());
        return mask == null ? nonZero : nonZero.muli(mask);
    }

    private double scale(INDArray labels, INDArray mask) {
        double positives = (mask == null ? active(labels, null) : mask).sumNumber().doubleValue() / 4;
        return weight * labels.size(0) / (4 * (positives + 1));
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        INDArray error = activation.getActivation(preOutput.dup(), true).subi(labels);
        INDArray absError = Transforms.abs(error, true);
        INDArray quadratic = Transforms.min(absError, delta, true);
        // 0.5 q^2 + delta (|e| - q): the quadratic part up to delta, linear beyond
        INDArray loss = quadratic.mul(quadratic).muli(0.5).addi(absError.subi(quadratic).muli(delta));
        return loss.muli(active(labels, mask)).sum(true, 1).muli(scale(labels, mask));
    }


    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        INDArray error = activation.getActivation(preOutput.dup(), true).subi(labels);
        // d/de Huber = e inside [-delta, delta], delta * sign(e) outside: clip e to the band
        INDArray gradient = Transforms.min(Transforms.max(error, -delta, true), delta, false);
        gradient.muli(active(labels, mask)).muli(scale(labels, mask));
        return activation.backprop(preOutput.dup(), gradient).getFirst();
    }


    @Override
    public String name() {
        return "HuberBoxLoss(delta=" + delta + ", weight=" + weight + ")";
    }


    public double getDelta() {
        return delta;
    }

    public void setDelta(double delta) {
        this.delta = delta;
    }

    public double getWeight() {
        return weight;
    }

    public void setWeight(double weight) {
        this.weight = weight;
    }

    /** Value equality: configurations compare their loss functions (a JSON round trip gives a new instance). */
    @Override
    public boolean equals(Object o) {
        return o instanceof HuberBoxLoss l && delta == l.delta && weight == l.weight;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(delta, weight);
    }
}
