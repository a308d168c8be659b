package org.detsearch.train;

import org.apache.spark.api.java.JavaRDD;
import org.detsearch.data.LoadedImage;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.ImagePipeline;
import org.detsearch.model.DetectorSpec;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.Iterator;
import java.util.function.IntFunction;

/**
 * Iteration i's minibatch for the single-JVM loop: the images stream to the driver in the epoch's order
 * ({@link EpochOrder}, one partition at a time) and are decoded, augmented and batched here. Asked for an
 * iteration in the middle of an epoch (a resumed run), it skips the images of the minibatches already done
 * without decoding them.
 */
final class LocalBatches implements IntFunction<MultiDataSet> {
    private final JavaRDD<LoadedImage> images;
    private final TrainSpec train;
    private final int perEpoch;
    private final ImagePipeline pipeline;
    private final TargetEncoder encoder;
    private int epoch = -1;
    private int next;
    private TrainingBatches batches;

    LocalBatches(JavaRDD<LoadedImage> images, TrainSpec train, DetectorSpec spec, int perEpoch) {
        this.images = images;
        this.train = train;
        this.perEpoch = perEpoch;
        this.pipeline = new ImagePipeline(train.pipeline());
        this.encoder = new TargetEncoder(new AnchorGrid(spec.anchors(), spec.imageSize(), spec.imageSize()), spec.numClasses());
    }

    @Override
    public MultiDataSet apply(int iteration) {
        int wantedEpoch = iteration / perEpoch;
        int index = iteration % perEpoch;
        if (wantedEpoch != epoch || index != next) {
            Iterator<LoadedImage> ordered = EpochOrder.shuffled(images, train.seed(), wantedEpoch, 1).toLocalIterator();
            for (long skip = (long) index * train.batchSize(); skip > 0 && ordered.hasNext(); skip--) {
                ordered.next();
            }
            batches = new TrainingBatches(SparkDetectorTraining.decoded(ordered), pipeline, encoder, train.batchSize(),
                    train.seed(), wantedEpoch);
            epoch = wantedEpoch;
            next = index;
        }
        next++;
        return batches.next();
    }
}
