package org.detsearch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.detsearch.backbone.Backbone;
import org.detsearch.config.ConfigValidationException;
import org.detsearch.config.ConfigView;
import org.detsearch.detection.AnchorSpec;

import java.io.Serializable;

/**
 * A detector architecture: what training, checkpoints, inference and evaluation need to know of a model, whatever
 * its backbone, neck and heads. Its graph has one image input {@link #INPUT} (NCHW, {@link #imageSize()} square) and
 * two outputs in anchor order ({@code AnchorGrid} of {@link #anchors()}): {@link #CLASS_OUTPUT} (focal loss on
 * per-anchor class logits) and {@link #BOX_OUTPUT} (Huber loss on per-anchor box regressions). Implementations are
 * value-comparable records (a checkpoint is resumed only by the same architecture) and Java-serialisable (they
 * travel in model files and to executors).
 */
public interface DetectorSpec extends Serializable {
    String INPUT = "input";
    String CLASS_OUTPUT = "class";
    String BOX_OUTPUT = "box";

    AnchorSpec anchors();

    int numClasses();

    /** Side of the square network input. */
    int imageSize();

    /** The trainable graph, with the optimiser settings applied to its layers. */
    ComputationGraphConfiguration graph(TrainingSettings training);

    /** The backbone in the graph: which layers pretrained classification weights load into. */
    Backbone featureExtractor();

    /**
     * The {@code model} config section; {@code architecture} chooses the kind: retinanet (the section's own keys) or
     * efficientdet (its {@code efficientdet} subsection); the classes come from the dataset.
     */
    static DetectorSpec fromConfig(ConfigView model, int numClasses) {
        String architecture = model.string("architecture");
        return switch (architecture) {
            case "retinanet" -> RetinaNetSpec.fromConfig(model, numClasses);
            case "efficientdet" -> EfficientDetSpec.fromConfig(model.sub("efficientdet"), numClasses);
            default -> throw new ConfigValidationException(model.fullPath("architecture"), architecture,
                    "allowed: retinanet, efficientdet");
        };
    }
}
