package org.detsearch.train;

import org.detsearch.model.RetinaNetSpec;
import org.detsearch.model.TrainingSettings;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.backbone.ResNetSpec;
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
import org.detsearch.model.DetectorSpec;
import org.detsearch.model.ParameterCount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The whole detector graph, tiny, fitting a few synthetic images: its outputs line up with the anchors and it learns. */
class TinyDetectorTrainingTest {
    @Test
    void aTinyRetinaNetLearnsSyntheticShapes(@TempDir Path tmp) throws Exception {
        HadoopFiles files = new HadoopFiles(new Configuration());
        new SyntheticDatasetGenerator(files).generate(new SyntheticDatasetSpec(tmp.resolve("data").toString(), 3, 4, 1, 128,
                1, 3, 0.0, 90), false);
        CocoInstances raw = CocoJsonReader.readInstances(files, files.qualify(tmp.resolve("data/train/instances.json").toString()));
        CocoDataset dataset = new CocoDataset(raw.images(), raw.annotations(), raw.categories());

        DetectorSpec spec = new RetinaNetSpec(new ResNetSpec("tiny", new int[] {1, 1, 1, 1}, 0.125, 0), 16, 1, 0,
                AnchorSpec.EFFICIENTDET, dataset.labelMap().numClasses(), 128);
        ComputationGraph net = new ComputationGraph(spec.graph(new TrainingSettings(new Adam(3e-3), 4e-5, 10.0, 42)));
        net.init();
        assertTrue(ParameterCount.of(net).trainable() < 300_000, "a tiny model for a unit test");

        ImagePipeline pipeline = new ImagePipeline(PipelineSpec.efficientDet(128));
        List<PreparedImage> images = new ArrayList<>();
        for (CocoImage image : dataset.images()) {
            byte[] bytes = Files.readAllBytes(tmp.resolve("data/train/images").resolve(image.fileName()));
            ImageAnnotations gt = ImageAnnotations.of(image, dataset.annotationsOf(image.id()), dataset.labelMap());
            images.add(pipeline.forEvaluation(DecodedSample.of(gt, ImageCodec.decode(bytes))));
        }
        AnchorGrid anchors = new AnchorGrid(spec.anchors(), 128, 128);
        MultiDataSet batch = new DetectionBatches(new TargetEncoder(anchors, spec.numClasses())).batch(images);
        assertEquals(anchors.size() * spec.numClasses(), net.output(false, batch.getFeatures(0))[0].size(1),
                "class outputs = anchors x classes, in anchor order");

        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        double initial = net.score();
        for (int i = 0; i < 40; i++) {
            net.fit(batch);
        }
        net.setInputs(batch.getFeatures());
        net.setLabels(batch.getLabels());
        net.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
        net.computeGradientAndScore();
        double trained = net.score();
        assertTrue(Double.isFinite(trained));
        assertTrue(trained < 0.5 * initial, "loss " + initial + " -> " + trained);
    }
}
