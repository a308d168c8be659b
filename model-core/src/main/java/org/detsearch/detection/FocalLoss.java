package org.detsearch.detection;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * EfficientDet's sigmoid focal loss as a DL4J loss, so a ComputationGraph (and parameter averaging) trains it:
 * per (anchor, class) {@code alpha_t (1 - p_t)^gamma CE(y_s, x)} with alpha 0.25, gamma 1.5 and optional label
 * smoothing on the cross-entropy only ({@code y_s = y (1 - s) + s / 2}), summed over the minibatch and divided by
 * (positive anchors in the minibatch + 1). Ignored anchors have mask 0.
 * <p>
 * Labels are {@code [batch, anchors * classes]} one-hot rows (all zero for background); the mask has the labels'
 * shape. DL4J divides scores and gradients by the minibatch size afterwards, so both are multiplied by it here:
 * what is optimised is exactly the batch-normalised sum of the reference.
 */
public class FocalLoss extends BatchNormalisedLoss {
    private double alpha = 0.25;
    private double gamma = 1.5;
    private double labelSmoothing = 0.0;

    public FocalLoss() {
    }

    public FocalLoss(double alpha, double gamma, double labelSmoothing) {
        this.alpha = alpha;
        this.gamma = gamma;
        this.labelSmoothing = labelSmoothing;
    }

    /** Element-wise loss (already masked), before normalisation. */
    private INDArray elementLoss(INDArray y, INDArray x, INDArray mask) {
        INDArray p = Transforms.sigmoid(x, true);
        INDArray pt = y.mul(p).addi(y.rsub(1).muli(p.rsub(1)));
        INDArray alphaT = y.mul(alpha).addi(y.rsub(1).muli(1 - alpha));
        INDArray modulating = Transforms.pow(pt.rsub(1), gamma, false);
        INDArray loss = alphaT.muli(modulating).muli(crossEntropy(smoothed(y), x));
        return mask == null ? loss : loss.muli(mask);
    }

    private INDArray smoothed(INDArray y) {
        return labelSmoothing == 0 ? y : y.mul(1 - labelSmoothing).addi(0.5 * labelSmoothing);
    }

    /** max(x, 0) - x y + log(1 + exp(-|x|)): stable for any logit. */
    private static INDArray crossEntropy(INDArray y, INDArray x) {
        INDArray positive = Transforms.max(x, 0.0, true);
        INDArray softplus = Transforms.log(Transforms.exp(Transforms.abs(x, true).negi(), false).addi(1), false);
        return positive.subi(x.mul(y)).addi(softplus);
    }

    /** Minibatch size / (positive anchors + 1): the factor that turns DL4J's mean over examples into the reference's normalised sum. */
    private static double scale(INDArray labels, INDArray mask) {
        double positives = (mask == null ? labels : labels.mul(mask)).sumNumber().doubleValue();
        return labels.size(0) / (positives + 1);
    }

    private INDArray logits(INDArray preOutput, IActivation activation) {
        return activation.getActivation(preOutput.dup(), true);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        return elementLoss(labels, logits(preOutput, activation), mask).sum(true, 1).muli(scale(labels, mask));
    }


    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activation, INDArray mask) {
        INDArray x = logits(preOutput, activation);
        INDArray y = labels;
        INDArray p = Transforms.sigmoid(x, true);
        INDArray sign = y.mul(2).subi(1);
        INDArray pt = y.mul(p).addi(y.rsub(1).muli(p.rsub(1)));
        INDArray oneMinusPt = pt.rsub(1);
        INDArray alphaT = y.mul(alpha).addi(y.rsub(1).muli(1 - alpha));
        INDArray ce = crossEntropy(smoothed(y), x);
        // d/dx [(1 - p_t)^g CE] = -g (1 - p_t)^(g-1) (2y - 1) p (1 - p) CE + (1 - p_t)^g (p - y_s)
        INDArray dModulating = Transforms.pow(oneMinusPt, gamma - 1, true).muli(-gamma).muli(sign).muli(p).muli(p.rsub(1));
        INDArray gradient = dModulating.muli(ce).addi(Transforms.pow(oneMinusPt, gamma, true).muli(p.sub(smoothed(y))));
        gradient.muli(alphaT).muli(scale(labels, mask));
        if (mask != null) {
            gradient.muli(mask);
        }
        return activation.backprop(preOutput.dup(), gradient).getFirst();
    }


    @Override
    public String name() {
        return "FocalLoss(alpha=" + alpha + ", gamma=" + gamma + ", smoothing=" + labelSmoothing + ")";
    }


    // Bean properties: DL4J serialises loss functions in configurations through them.
    public double getAlpha() {
        return alpha;
    }

    public void setAlpha(double alpha) {
        this.alpha = alpha;
    }

    public double getGamma() {
        return gamma;
    }

    public void setGamma(double gamma) {
        this.gamma = gamma;
    }

    public double getLabelSmoothing() {
        return labelSmoothing;
    }

    public void setLabelSmoothing(double labelSmoothing) {
        this.labelSmoothing = labelSmoothing;
    }

    /** Value equality: configurations compare their loss functions (a JSON round trip gives a new instance). */
    @Override
    public boolean equals(Object o) {
        return o instanceof FocalLoss l && alpha == l.alpha && gamma == l.gamma && labelSmoothing == l.labelSmoothing;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(alpha, gamma, labelSmoothing);
    }
}
