package org.detsearch.train;

import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PreparedImage;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * Decoded samples -> training minibatches, lazily: augmentation (seeded per image and epoch, so a sample is
 * augmented the same way wherever it is processed), target building and batching. Spark tasks run this over
 * their partition; the single-JVM loop over the whole set.
 */
public final class TrainingBatches implements Iterator<MultiDataSet> {
    private final Iterator<DecodedSample> samples;
    private final ImagePipeline pipeline;
    private final DetectionBatches batches;
    private final int batchSize;
    private final long seed;
    private final int epoch;

    public TrainingBatches(Iterator<DecodedSample> samples, ImagePipeline pipeline, TargetEncoder encoder,
                           int batchSize, long seed, int epoch) {
        this.samples = samples;
        this.pipeline = pipeline;
        this.batches = new DetectionBatches(encoder);
        this.batchSize = batchSize;
        this.seed = seed;
        this.epoch = epoch;
    }

    @Override
    public boolean hasNext() {
        return samples.hasNext();
    }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<PreparedImage> images = new ArrayList<>(batchSize);
        while (samples.hasNext() && images.size() < batchSize) {
            DecodedSample sample = samples.next();
            Random random = new Random(seed * 1_000_003L + sample.imageId() * 7919L + epoch);
            images.add(pipeline.forTraining(sample, random));
        }
        return batches.batch(images);
    }
}
