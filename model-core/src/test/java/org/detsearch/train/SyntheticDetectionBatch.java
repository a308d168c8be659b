package org.detsearch.train;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.coco.CocoDataset;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.ImageAnnotations;
import org.detsearch.coco.synthetic.SyntheticDatasetGenerator;
import org.detsearch.coco.synthetic.SyntheticDatasetSpec;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.TargetEncoder;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImageCodec;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PipelineSpec;
import org.detsearch.image.PreparedImage;
import org.detsearch.io.HadoopFiles;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A few generated synthetic training images (seed 3) of {@code size} px (evaluation transform, no augmentation) as one
 * detector minibatch with its targets for {@code anchors}: what the tiny-detector training tests fit.
 */
record SyntheticDetectionBatch(MultiDataSet batch, int numClasses) {
    static SyntheticDetectionBatch generate(Path folder, int images, int size, AnchorSpec anchors) throws Exception {
        HadoopFiles files = new HadoopFiles(new Configuration());
        new SyntheticDatasetGenerator(files).generate(new SyntheticDatasetSpec(folder.resolve("data").toString(), 3, images, 1, size,
                1, 3, 0.0, 90), false);
        CocoInstances raw = CocoJsonReader.readInstances(files, files.qualify(folder.resolve("data/train/instances.json").toString()));
        CocoDataset dataset = new CocoDataset(raw.images(), raw.annotations(), raw.categories());
        ImagePipeline pipeline = new ImagePipeline(PipelineSpec.efficientDet(size));
        List<PreparedImage> prepared = new ArrayList<>();
        for (CocoImage image : dataset.images()) {
            byte[] bytes = Files.readAllBytes(folder.resolve("data/train/images").resolve(image.fileName()));
            ImageAnnotations gt = ImageAnnotations.of(image, dataset.annotationsOf(image.id()), dataset.labelMap());
            prepared.add(pipeline.forEvaluation(DecodedSample.of(gt, ImageCodec.decode(bytes))));
        }
        int classes = dataset.labelMap().numClasses();
        MultiDataSet batch = new DetectionBatches(new TargetEncoder(new AnchorGrid(anchors, size, size), classes)).batch(prepared);
        return new SyntheticDetectionBatch(batch, classes);
    }

    /** The training loss on the batch before and after {@code steps} fits to it. */
    double[] lossBeforeAndAfter(ComputationGraph net, int steps) {
        double initial = loss(net);
        for (int i = 0; i < steps; i++) {
            net.fit(batch);
        }
        return new double[] {initial, loss(net)};
    }

    private double loss(ComputationGraph net) {
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        return net.score();
    }
}
