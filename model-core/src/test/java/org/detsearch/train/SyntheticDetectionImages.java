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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A few generated synthetic training images (1-3 shapes each), prepared for a square detector input. */
public record SyntheticDetectionImages(CocoDataset dataset, List<PreparedImage> images) {
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
        return new SyntheticDetectionImages(dataset, images);
    }

    public int numClasses() {
        return dataset.labelMap().numClasses();
    }
}
