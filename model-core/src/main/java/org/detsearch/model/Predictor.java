package org.detsearch.model;

import org.detsearch.coco.Detection;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.NmsSpec;
import org.detsearch.detection.Postprocessor;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PipelineSpec;
import org.detsearch.image.PreparedImage;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a trained detector on decoded images: the evaluation transform (fit into the square input, no
 * augmentation), the network in batches, then decoding, NMS and boxes back in original image pixels with COCO
 * category ids ({@link Postprocessor}).
 */
public final class Predictor {
    private final DetectorModel model;
    private final ImagePipeline pipeline;
    private final Postprocessor postprocessor;
    private final int batchSize;

    public Predictor(DetectorModel model, NmsSpec nms, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        int size = model.spec().imageSize();
        this.model = model;
        // jitter bounds are unused by the evaluation transform
        this.pipeline = new ImagePipeline(new PipelineSpec(size, 1, 1, false));
        this.postprocessor = new Postprocessor(new AnchorGrid(model.spec().anchors(), size, size), nms, model.labels());
        this.batchSize = batchSize;
    }

    public List<Detection> detect(List<DecodedSample> samples) {
        List<Detection> detections = new ArrayList<>();
        for (int start = 0; start < samples.size(); start += batchSize) {
            List<PreparedImage> batch = new ArrayList<>();
            for (DecodedSample sample : samples.subList(start, Math.min(samples.size(), start + batchSize))) {
                batch.add(pipeline.forEvaluation(sample));
            }
            detections.addAll(detectPrepared(batch));
        }
        return detections;
    }

    private List<Detection> detectPrepared(List<PreparedImage> batch) {
        int size = model.spec().imageSize();
        int pixels = 3 * size * size;
        float[] features = new float[batch.size() * pixels];
        for (int i = 0; i < batch.size(); i++) {
            System.arraycopy(batch.get(i).chw(), 0, features, i * pixels, pixels);
        }
        INDArray[] outputs = DetectorOutputs.predict(model.net(), Nd4j.createFromArray(features).reshape(batch.size(), 3, size, size));
        List<Detection> detections = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            PreparedImage image = batch.get(i);
            detections.addAll(postprocessor.detections(image.imageId(), outputs[0].getRow(i).toFloatVector(),
                    outputs[1].getRow(i).toFloatVector(), image.scale(), image.originalWidth(), image.originalHeight()));
        }
        return detections;
    }
}
