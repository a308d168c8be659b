package org.detsearch.train;

import org.apache.hadoop.conf.Configuration;
import org.detsearch.coco.CocoDataset;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.ImageAnnotations;
import org.detsearch.coco.synthetic.SyntheticDatasetGenerator;
import org.detsearch.coco.synthetic.SyntheticDatasetSpec;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImageCodec;
import org.detsearch.image.ImagePipeline;
import org.detsearch.image.PipelineSpec;
import org.detsearch.image.PreparedImage;
import org.detsearch.io.HadoopFiles;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.detsearch.coco.Detection;
import org.detsearch.detection.AnchorGrid;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.detection.NmsSpec;
import org.detsearch.detection.Postprocessor;
import org.detsearch.eval.CocoEvaluator;
import org.detsearch.eval.DetectionTable;
import org.detsearch.eval.EvalGroundTruth;
import org.detsearch.model.DetectorOutputs;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A few generated synthetic training images (1-3 shapes each), prepared for a square detector input. */
public record SyntheticDetectionImages(CocoInstances instances, CocoDataset dataset, List<PreparedImage> images) {
    public static SyntheticDetectionImages generate(Path dir, long seed, int count, int size) throws Exception {
        HadoopFiles files = new HadoopFiles(new Configuration());
        new SyntheticDatasetGenerator(files).generate(new SyntheticDatasetSpec(dir.resolve("data").toString(), seed, count, 1, size,
                1, 3, 0.0, 90), false);
        CocoInstances raw = CocoJsonReader.readInstances(files, files.qualify(dir.resolve("data/train/instances.json").toString()));
        CocoDataset dataset = new CocoDataset(raw.images(), raw.annotations(), raw.categories());
        ImagePipeline pipeline = new ImagePipeline(PipelineSpec.efficientDet(size));
        List<PreparedImage> images = new ArrayList<>();
        for (CocoImage image : dataset.images()) {
            byte[] bytes = Files.readAllBytes(dir.resolve("data/train/images").resolve(image.fileName()));
            ImageAnnotations gt = ImageAnnotations.of(image, dataset.annotationsOf(image.id()), dataset.labelMap());
            images.add(pipeline.forEvaluation(DecodedSample.of(gt, ImageCodec.decode(bytes))));
        }
        return new SyntheticDetectionImages(raw, dataset, images);
    }

    /** COCO AP50 of {@code net} (a detector of {@code anchors}) on these images, hard NMS. */
    public double ap50(ComputationGraph net, AnchorSpec anchors) {
        int size = images.get(0).size();
        int pixels = 3 * size * size;
        float[] features = new float[images.size() * pixels];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i).chw(), 0, features, i * pixels, pixels);
        }
        INDArray[] outputs = DetectorOutputs.predict(net, Nd4j.createFromArray(features).reshape(images.size(), 3, size, size));
        Postprocessor post = new Postprocessor(new AnchorGrid(anchors, size, size), NmsSpec.HARD, dataset.labelMap());
        List<Detection> detections = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            PreparedImage image = images.get(i);
            detections.addAll(post.detections(image.imageId(), outputs[0].getRow(i).toFloatVector(),
                    outputs[1].getRow(i).toFloatVector(), image.scale(), image.originalWidth(), image.originalHeight()));
        }
        return new CocoEvaluator().evaluate(EvalGroundTruth.of(instances), DetectionTable.of(detections), false).get("AP50");
    }

    public int numClasses() {
        return dataset.labelMap().numClasses();
    }
}
