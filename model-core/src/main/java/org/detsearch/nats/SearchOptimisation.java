package org.detsearch.nats;

import org.detsearch.train.CosineAnnealingSchedule;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.List;

/**
 * The search's optimisers (PAPERS 1.5). Weights: SGD with momentum 0.9 (DL4J's Nesterov momentum, its only
 * momentum updater), weight decay 1e-4, learning rate cosine-annealed from 0.00125 to 0.00005 per image (read as
 * per image, as the paper's re-training rate is quoted: x images per step). Alpha: Adam with rate 0.01, betas
 * (0.5, 0.999) as DARTS (the paper gives none), weight decay 1e-5. Both decays are L2 terms added to the gradient,
 * as PyTorch's SGD and Adam {@code weight_decay} are. 25 epochs, alpha frozen for the first 10; an epoch is one pass
 * over split A, and after the frozen epochs every weight step is followed by an architecture step (split B is
 * cycled as needed).
 */
public record SearchOptimisation(double weightRatePerImage, double weightEndRatePerImage, double momentum, double weightDecay,
                                 double alphaRate, double alphaBeta1, double alphaBeta2, double alphaWeightDecay,
                                 int epochs, int frozenEpochs) implements java.io.Serializable {
    public SearchOptimisation {
        if (!(weightRatePerImage > 0) || weightEndRatePerImage < 0 || weightEndRatePerImage > weightRatePerImage
                || momentum < 0 || momentum >= 1 || weightDecay < 0 || !(alphaRate > 0) || alphaBeta1 < 0 || alphaBeta1 >= 1
                || alphaBeta2 < 0 || alphaBeta2 >= 1 || alphaWeightDecay < 0 || epochs < 1 || frozenEpochs < 0 || frozenEpochs > epochs) {
            throw new IllegalArgumentException("bad search optimisation: " + this);
        }
    }

    /**
     * The {@code optimisation} config section: {@code epochs}, {@code frozen-epochs}, {@code weight-rate-per-image},
     * {@code weight-end-rate-per-image}, {@code momentum}, {@code weight-decay}, {@code alpha-rate},
     * {@code alpha-beta1}, {@code alpha-beta2}, {@code alpha-weight-decay}.
     */
    public static SearchOptimisation fromConfig(org.detsearch.config.ConfigView c) {
        double rate = c.doubleIn("weight-rate-per-image", 0, 1);
        double end = c.doubleIn("weight-end-rate-per-image", 0, 1);
        double momentum = c.doubleIn("momentum", 0, 0.999999);
        double decay = c.doubleIn("weight-decay", 0, 1);
        double alphaRate = c.doubleIn("alpha-rate", 0, 10);
        double beta1 = c.doubleIn("alpha-beta1", 0, 0.999999);
        double beta2 = c.doubleIn("alpha-beta2", 0, 0.999999);
        double alphaDecay = c.doubleIn("alpha-weight-decay", 0, 1);
        int epochs = c.intIn("epochs", 1, 100_000);
        int frozen = c.intIn("frozen-epochs", 0, 100_000);
        return org.detsearch.config.ConfigView.validated(c.section(), () -> new SearchOptimisation(rate, end, momentum, decay,
                alphaRate, beta1, beta2, alphaDecay, epochs, frozen));
    }

    public static SearchOptimisation paper() {
        return new SearchOptimisation(0.00125, 0.00005, 0.9, 1e-4, 0.01, 0.5, 0.999, 1e-5, 25, 10);
    }

    /** The alternation for epochs of {@code weightStepsPerEpoch} weight steps. */
    public BiLevelSchedule schedule(int weightStepsPerEpoch) {
        return new BiLevelSchedule(frozenEpochs * weightStepsPerEpoch);
    }

    /** All iterations of the search: frozen epochs of weight steps, then weight and architecture steps alternating. */
    public int totalIterations(int weightStepsPerEpoch) {
        return schedule(weightStepsPerEpoch).iterations(epochs * weightStepsPerEpoch, (epochs - frozenEpochs) * weightStepsPerEpoch);
    }

    /** The network's updater for the weights, annealed over all weight steps (it counts only those). */
    public IUpdater weightUpdater(int imagesPerStep, int weightStepsPerEpoch) {
        return new Nesterovs(new CosineAnnealingSchedule(weightRatePerImage * imagesPerStep, weightEndRatePerImage * imagesPerStep,
                epochs * weightStepsPerEpoch), momentum);
    }

    public List<Regularization> weightRegularization() {
        return List.of(new L2Regularization(weightDecay));
    }

    public IUpdater alphaUpdater() {
        return new Adam(alphaRate, alphaBeta1, alphaBeta2, 1e-8);
    }

    public List<Regularization> alphaRegularization() {
        return List.of(new L2Regularization(alphaWeightDecay));
    }
}
