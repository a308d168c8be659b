package org.detsearch.train;

import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.PreparedImage;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Prepared images -> a minibatch for the detector graph: features [batch, 3, size, size]; labels for the
 * {@code class} and {@code box} outputs with their masks (ignored anchors, non-positive anchors). Runs where the
 * images are (on executors in Spark jobs).
 */
public final class DetectionBatches {
    private final TargetEncoder encoder;

    public DetectionBatches(TargetEncoder encoder) {
        this.encoder = encoder;
    }

    public MultiDataSet batch(List<PreparedImage> images) {
        int b = images.size();
        int size = images.get(0).size();
        float[] features = new float[b * 3 * size * size];
        TargetEncoder.Encoded[] encoded = new TargetEncoder.Encoded[b];
        for (int i = 0; i < b; i++) {
            PreparedImage image = images.get(i);
            if (image.size() != size) {
                throw new IllegalArgumentException("images of one batch must share the input size");
            }
            System.arraycopy(image.chw(), 0, features, i * 3 * size * size, 3 * size * size);
            encoded[i] = encoder.encode(image);
        }
        int classWidth = encoded[0].classLabels().length;
        int boxWidth = encoded[0].boxLabels().length;
        INDArray classLabels = Nd4j.create(b, classWidth);
        INDArray classMask = Nd4j.create(b, classWidth);
        INDArray boxLabels = Nd4j.create(b, boxWidth);
        INDArray boxMask = Nd4j.create(b, boxWidth);
        for (int i = 0; i < b; i++) {
            classLabels.putRow(i, Nd4j.createFromArray(encoded[i].classLabels()));
            classMask.putRow(i, Nd4j.createFromArray(encoded[i].classMask()));
            boxLabels.putRow(i, Nd4j.createFromArray(encoded[i].boxLabels()));
            boxMask.putRow(i, Nd4j.createFromArray(encoded[i].boxMask()));
        }
        INDArray input = Nd4j.createFromArray(features).reshape(b, 3, size, size);
        return new MultiDataSet(new INDArray[] {input}, new INDArray[] {classLabels, boxLabels},
                null, new INDArray[] {classMask, boxMask});
    }
}
