package org.detsearch.evaluation;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.BBox;
import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.CocoDataset;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoJsonWriter;
import org.detsearch.coco.Detection;
import org.detsearch.coco.ImageAnnotations;
import org.detsearch.detection.NmsSpec;
import org.detsearch.image.CorruptImageException;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImageCodec;
import org.detsearch.io.HadoopFiles;
import org.detsearch.io.OutputFolder;
import org.detsearch.model.DetectorModel;
import org.detsearch.model.Predictor;
import org.detsearch.storage.SerializableHadoopConf;
import org.detsearch.viz.DetectionPainter;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code detsearch predict}: a trained detector run on plain image files (a file or a folder of .jpg/.jpeg/.png on
 * any Hadoop path) on the executors. The output folder receives {@value #DETECTIONS} (COCO results),
 * {@value #IMAGES} (a COCO instances file naming the images by id, with the model's categories and no
 * annotations, so the results can be read back or scored) and {@code drawn/}: a copy of each image with its
 * detections above the score threshold drawn. Unreadable images are skipped and reported, not fatal.
 */
public final class PredictJob {
    public static final String DETECTIONS = "detections.json";
    public static final String IMAGES = "images.json";
    public static final String DRAWN = "drawn";

    /** One input image: its id (1.. in file-name order), its path, and after prediction its size and detections. */
    record ImageResult(long id, String path, int width, int height, double[] detections, String error)
            implements Serializable {
    }

    public record Result(Path output, int images, int detections, List<String> skipped) {
    }

    private final SparkSession spark;
    private final HadoopFiles files;

    public PredictJob(SparkSession spark) {
        this.spark = spark;
        this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }

    public Result run(String model, String images, String output, NmsSpec nms, int batchSize, double minScore,
                      boolean overwrite) throws IOException {
        DetectorModel detector = DetectorModel.load(files, files.qualify(model), false, new HashMap<>());
        List<Path> inputs = listImages(files.qualify(images));
        Path out = files.qualify(output);
        OutputFolder.claim(files, out, overwrite, DETECTIONS);
        List<ImageResult> tasks = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            tasks.add(new ImageResult(i + 1, inputs.get(i).toString(), 0, 0, null, null));
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        BroadcastDetector shipped = new BroadcastDetector(jsc, detector);
        SerializableHadoopConf hadoop = new SerializableHadoopConf(jsc.hadoopConfiguration());
        String drawn = new Path(out, DRAWN).toString();
        Map<Integer, String> names = new HashMap<>();
        detector.categories().forEach(c -> names.put(c.id(), c.name()));
        int partitions = Math.max(1, Math.min(inputs.size(), 4 * spark.sparkContext().defaultParallelism()));
        List<ImageResult> results;
        spark.sparkContext().setJobDescription("predict: " + inputs.size() + " images in " + partitions + " tasks");
        try {
            results = jsc.parallelize(tasks, partitions).mapPartitions(partition -> {
                Predictor predictor = new Predictor(shipped.restore(), nms, batchSize);
                return predictPartition(partition, predictor, new HadoopFiles(hadoop.get()), drawn,
                        new DetectionPainter(names), minScore, batchSize);
            }).collect();
        } finally {
            spark.sparkContext().setJobDescription(null);
            shipped.destroy();
        }
        return writeResults(out, results, detector.categories());
    }

    private Result writeResults(Path out, List<ImageResult> results, List<CocoCategory> categories) throws IOException {
        List<Detection> detections = new ArrayList<>();
        List<CocoImage> images = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ImageResult r : results.stream().sorted(Comparator.comparingLong(ImageResult::id)).toList()) {
            if (r.error() != null) {
                skipped.add(r.path() + ": " + r.error());
                continue;
            }
            images.add(new CocoImage(r.id(), new Path(r.path()).getName(), r.width(), r.height()));
            detections.addAll(toDetections(r));
        }
        files.writeAtomically(new Path(out, IMAGES), o -> CocoJsonWriter.writeGroundTruth(
                new CocoDataset(images, List.of(), categories), Map.of("description", "images detsearch predict ran on"), o));
        files.writeAtomically(new Path(out, DETECTIONS), o -> CocoJsonWriter.writeResults(detections, o));
        return new Result(out, images.size(), detections.size(), skipped);
    }

    private List<Path> listImages(Path input) throws IOException {
        FileSystem fs = files.fileSystem(input);
        if (!fs.exists(input)) {
            throw new IllegalArgumentException("no such image file or folder: " + input);
        }
        FileStatus status = fs.getFileStatus(input);
        List<Path> found = new ArrayList<>();
        if (status.isFile()) {
            found.add(input);
        } else {
            for (FileStatus child : fs.listStatus(input)) {
                if (child.isFile() && isImage(child.getPath().getName())) {
                    found.add(child.getPath());
                }
            }
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no .jpg, .jpeg or .png images in " + input);
        }
        found.sort(Comparator.comparing(Path::getName));
        return found;
    }

    private static boolean isImage(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".jpg") || lower.endsWith(".jpeg") || lower.endsWith(".png");
    }

    private static Iterator<ImageResult> predictPartition(Iterator<ImageResult> tasks, Predictor predictor, HadoopFiles files,
                                                         String drawn, DetectionPainter painter, double minScore,
                                                         int batchSize) throws IOException {
        List<ImageResult> done = new ArrayList<>();
        List<ImageResult> batch = new ArrayList<>();
        List<BufferedImage> pixels = new ArrayList<>();
        while (tasks.hasNext()) {
            ImageResult task = tasks.next();
            try {
                BufferedImage image = ImageCodec.decode(files.readAll(new Path(task.path())));
                batch.add(task);
                pixels.add(image);
            } catch (CorruptImageException e) {
                done.add(new ImageResult(task.id(), task.path(), 0, 0, null, e.getMessage()));
            }
            if (batch.size() == batchSize || (!tasks.hasNext() && !batch.isEmpty())) {
                done.addAll(predictBatch(batch, pixels, predictor, files, drawn, painter, minScore));
                batch.clear();
                pixels.clear();
            }
        }
        return done.iterator();
    }

    private static List<ImageResult> predictBatch(List<ImageResult> batch, List<BufferedImage> pixels, Predictor predictor,
                                                  HadoopFiles files, String drawn, DetectionPainter painter,
                                                  double minScore) throws IOException {
        List<DecodedSample> samples = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            BufferedImage image = pixels.get(i);
            samples.add(DecodedSample.of(new ImageAnnotations(batch.get(i).id(), new Path(batch.get(i).path()).getName(),
                    image.getWidth(), image.getHeight(), new float[0], new int[0], new int[0], new boolean[0]), image));
        }
        Map<Long, List<Detection>> byImage = new HashMap<>();
        for (Detection d : predictor.detect(samples)) {
            byImage.computeIfAbsent(d.imageId(), k -> new ArrayList<>()).add(d);
        }
        List<ImageResult> results = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            ImageResult task = batch.get(i);
            BufferedImage image = pixels.get(i);
            List<Detection> found = byImage.getOrDefault(task.id(), List.of());
            List<Detection> shown = found.stream().filter(d -> d.score() >= minScore).toList();
            String name = new Path(task.path()).getName();
            files.writeAtomically(new Path(drawn, name), encode(painter.paint(image, shown), name));
            results.add(new ImageResult(task.id(), task.path(), image.getWidth(), image.getHeight(), flatten(found), null));
        }
        return results;
    }

    /** The drawn copy in the format of the original: PNG stays lossless, JPEG stays small. */
    private static byte[] encode(BufferedImage image, String name) throws IOException {
        if (name.toLowerCase(Locale.ROOT).endsWith(".png")) {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(image, "png", png);
            return png.toByteArray();
        }
        return ImageCodec.encodeJpeg(image, 92);
    }

    private static double[] flatten(List<Detection> detections) {
        double[] rows = new double[6 * detections.size()];
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            BBox b = d.bbox();
            System.arraycopy(new double[] {d.categoryId(), b.x(), b.y(), b.width(), b.height(), d.score()}, 0, rows, 6 * i, 6);
        }
        return rows;
    }

    private static List<Detection> toDetections(ImageResult r) {
        double[] f = r.detections();
        List<Detection> detections = new ArrayList<>(f.length / 6);
        for (int i = 0; i < f.length; i += 6) {
            detections.add(new Detection(r.id(), (int) f[i], new BBox(f[i + 1], f[i + 2], f[i + 3], f[i + 4]), f[i + 5]));
        }
        return detections;
    }
}
