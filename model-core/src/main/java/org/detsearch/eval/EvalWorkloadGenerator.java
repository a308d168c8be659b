package org.detsearch.eval;

import org.detsearch.coco.BBox;
import org.detsearch.coco.CocoAnnotation;
import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.CocoDataset;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoJsonWriter;
import org.detsearch.coco.Detection;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic COCO-val-like evaluation workload for benchmarks: images of 640x480 with about
 * {@code gtPerImage} objects over COCO's 80 category ids (1..90 with gaps), ~1% crowd regions, areas from the
 * boxes, and {@code detsPerImage} detections per image: jittered copies of the objects (right or wrong class)
 * plus random boxes, with random scores.
 */
public final class EvalWorkloadGenerator {
    /** COCO's 80 category ids. */
    static final int[] COCO_IDS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
            27, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56,
            57, 58, 59, 60, 61, 62, 63, 64, 65, 67, 70, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 85, 86, 87, 88, 89, 90};

    public record Workload(CocoDataset groundTruth, List<Detection> detections) {
    }

    private EvalWorkloadGenerator() {
    }

    /**
     * Writes a workload without the CLI or Spark on the class path (e.g. to time pycocotools on the same files):
     * {@code java -cp model-core.jar:... org.detsearch.eval.EvalWorkloadGenerator DIR [IMAGES [GT_PER_IMAGE
     * [DETS_PER_IMAGE [SEED]]]]}, by default 5,000 images, 8 boxes and 100 detections each, seed 42 (the
     * workload of {@code detsearch bench eval}).
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 5) {
            System.err.println("usage: EvalWorkloadGenerator DIR [IMAGES [GT_PER_IMAGE [DETS_PER_IMAGE [SEED]]]]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
        int gtPerImage = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int detsPerImage = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 42;
        Workload workload = generate(images, gtPerImage, detsPerImage, seed);
        write(workload, dir);
        System.out.printf("%d images, %d ground-truth boxes, %d detections: %s, %s%n", images,
                workload.groundTruth().annotations().size(), workload.detections().size(), dir.resolve("gt.json"),
                dir.resolve("dets.json"));
    }

    public static Workload generate(int images, int gtPerImage, int detsPerImage, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<CocoImage> imageList = new ArrayList<>(images);
        List<CocoAnnotation> annotations = new ArrayList<>(images * gtPerImage);
        List<Detection> detections = new ArrayList<>(images * detsPerImage);
        long annotationId = 1;
        for (int i = 0; i < images; i++) {
            long imageId = 100_000 + 7L * i;
            imageList.add(new CocoImage(imageId, imageId + ".jpg", 640, 480));
            int objects = Math.max(1, gtPerImage - 3 + rng.nextInt(7));
            List<CocoAnnotation> own = new ArrayList<>();
            for (int o = 0; o < objects; o++) {
                double w = 4 + Math.exp(rng.nextDouble(Math.log(300)));
                double h = 4 + Math.exp(rng.nextDouble(Math.log(300)));
                BBox box = new BBox(rng.nextDouble(640 - Math.min(w, 639)), rng.nextDouble(480 - Math.min(h, 479)),
                        Math.min(w, 639), Math.min(h, 479));
                boolean crowd = rng.nextInt(100) == 0;
                CocoAnnotation a = new CocoAnnotation(annotationId++, imageId, COCO_IDS[rng.nextInt(COCO_IDS.length)], box,
                        box.area() * (0.5 + 0.4 * rng.nextDouble()), crowd);
                own.add(a);
                annotations.add(a);
            }
            for (int d = 0; d < detsPerImage; d++) {
                double score = rng.nextDouble();
                if (d < 3 * objects) {
                    CocoAnnotation target = own.get(d % objects);
                    BBox b = target.bbox();
                    double jitter = 0.25 * rng.nextDouble();
                    BBox box = new BBox(b.x() + (rng.nextDouble() - 0.5) * jitter * b.width(),
                            b.y() + (rng.nextDouble() - 0.5) * jitter * b.height(),
                            b.width() * (1 + (rng.nextDouble() - 0.5) * jitter), b.height() * (1 + (rng.nextDouble() - 0.5) * jitter));
                    int category = rng.nextInt(4) == 0 ? COCO_IDS[rng.nextInt(COCO_IDS.length)] : target.categoryId();
                    detections.add(new Detection(imageId, category, round(box), round(score)));
                } else {
                    double w = 4 + rng.nextDouble(200);
                    double h = 4 + rng.nextDouble(200);
                    BBox box = new BBox(rng.nextDouble(640 - w), rng.nextDouble(480 - h), w, h);
                    detections.add(new Detection(imageId, COCO_IDS[rng.nextInt(COCO_IDS.length)], round(box), round(score * 0.5)));
                }
            }
        }
        List<CocoCategory> categories = new ArrayList<>();
        for (int id : COCO_IDS) {
            categories.add(new CocoCategory(id, "class" + id, "thing"));
        }
        return new Workload(new CocoDataset(imageList, annotations, categories), detections);
    }

    /** Two decimals for boxes and three for scores, as detectors' JSON usually has (and ties happen). */
    private static BBox round(BBox b) {
        return new BBox(Math.round(b.x() * 100) / 100.0, Math.round(b.y() * 100) / 100.0,
                Math.round(b.width() * 100) / 100.0, Math.round(b.height() * 100) / 100.0);
    }

    private static double round(double score) {
        return Math.round(score * 1000) / 1000.0;
    }

    /** Writes gt.json and dets.json into {@code dir}. */
    public static void write(Workload workload, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("gt.json")))) {
            CocoJsonWriter.writeGroundTruth(workload.groundTruth(), Map.of("description", "DetSearch evaluation benchmark"), out);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("dets.json")))) {
            CocoJsonWriter.writeResults(workload.detections(), out);
        }
    }
}
