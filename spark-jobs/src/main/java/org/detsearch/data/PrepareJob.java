package org.detsearch.data;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.CocoDataset;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.ImageAnnotations;
import org.detsearch.coco.ValidatedDataset;
import org.detsearch.coco.ValidationProblem;
import org.detsearch.coco.ValidationReport;
import org.detsearch.io.HadoopFiles;
import org.detsearch.spark.StageProgress;
import org.detsearch.io.OutputFolder;
import org.detsearch.storage.SerializableHadoopConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.sum;

/**
 * {@code prepare}: validated COCO annotations + an image folder -> Parquet shards + manifest.
 * <p>
 * The driver plans shards from the file listing (names and sizes only); executors read, check and write the
 * image bytes, so no image passes through the driver. Spark's Parquet commit protocol publishes the shards;
 * the manifest is written last and atomically, so a crashed run never looks finished.
 */
public final class PrepareJob {
    private static final Logger LOG = LoggerFactory.getLogger(PrepareJob.class);
    public static final String RESOLVED_CONFIG = "resolved.conf";

    private final SparkSession spark;
    private final HadoopFiles files;

    public PrepareJob(SparkSession spark) {
        this.spark = spark;
        this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }

    /**
     * @param validated      annotations after validation, with the report of what validation changed
     * @param resolvedConfig the run's redacted config, written beside the outputs
     */
    public Manifest run(PrepareSpec spec, ValidatedDataset validated, String resolvedConfig) throws IOException {
        CocoDataset dataset = validated.dataset();
        Path out = files.qualify(spec.output());
        OutputFolder.claim(files, out, spec.overwrite(), Manifest.FILE_NAME);
        files.writeAtomically(new Path(out, RESOLVED_CONFIG), resolvedConfig.getBytes(java.nio.charset.StandardCharsets.UTF_8));

        Path imagesDir = files.qualify(spec.images());
        Map<String, Long> sizes = listFiles(imagesDir);
        List<SkippedImage> skipped = new ArrayList<>();
        List<ImageTask> tasks = new ArrayList<>();
        for (CocoImage image : dataset.images()) {
            Long size = sizes.get(image.fileName());
            if (size == null) {
                skipped.add(new SkippedImage(image.id(), image.fileName(), ValidationProblem.MISSING_IMAGE,
                        "no file " + image.fileName() + " in " + imagesDir));
                continue;
            }
            ImageAnnotations gt = ImageAnnotations.of(image, dataset.annotationsOf(image.id()), dataset.labelMap());
            tasks.add(new ImageTask(new Path(imagesDir, image.fileName()).toString(), size, gt));
        }
        List<ShardPlan> shards = new ShardPlanner(spec.shardBytes()).plan(tasks);
        LOG.info("prepare: {} images ({} MB) into {} shards of about {} MB; {} images missing from {}",
                tasks.size(), mb(tasks.stream().mapToLong(ImageTask::fileBytes).sum()), shards.size(),
                mb(spec.shardBytes()), skipped.size(), imagesDir);

        skipped.addAll(writeShards(spec, shards, new Path(out, Manifest.SHARDS_DIR)));
        skipped.sort(Comparator.comparingLong(SkippedImage::imageId));
        Manifest manifest = summarise(spec, dataset, withSkipped(validated.report(), skipped), skipped, out);
        manifest.write(files, out);
        return manifest;
    }

    private List<SkippedImage> writeShards(PrepareSpec spec, List<ShardPlan> shards, Path shardsDir) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        CollectionAccumulator<SkippedImage> skippedAcc = jsc.sc().collectionAccumulator("prepare: skipped images");
        ImageLoader loader = new ImageLoader(new SerializableHadoopConf(jsc.hadoopConfiguration()),
                spec.maxSide(), spec.jpegQuality());
        // One shard per slice: parallelize gives slice i exactly element i when there are as many slices as elements.
        JavaRDD<Row> rows = jsc.parallelize(shards, shards.size()).flatMap(shard -> shard.images().stream()
                .map(task -> loadOrRethrow(loader, task, skippedAcc))
                .filter(Objects::nonNull)
                .map(ShardSchema::toRow)
                .iterator());
        String description = "prepare: read, check and write " + shards.size() + " Parquet shards";
        StageProgress progress = new StageProgress("prepare", "shards");
        spark.sparkContext().addSparkListener(progress);
        spark.sparkContext().setJobDescription(description);
        try {
            spark.createDataFrame(rows, ShardSchema.SCHEMA).write().mode(SaveMode.ErrorIfExists).parquet(shardsDir.toString());
        } finally {
            spark.sparkContext().removeSparkListener(progress);
            spark.sparkContext().setJobDescription(null);
        }
        // A task retried after a partial run must not report an image twice.
        Map<Long, SkippedImage> unique = new TreeMap<>();
        for (SkippedImage s : skippedAcc.value()) {
            unique.putIfAbsent(s.imageId(), s);
        }
        return new ArrayList<>(unique.values());
    }

    private static LoadedImage loadOrRethrow(ImageLoader loader, ImageTask task, CollectionAccumulator<SkippedImage> skipped) {
        try {
            return loader.load(task, skipped::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + task.path(), e);
        }
    }

    /** One report for everything left out: what validation dropped and the images prepare skipped. */
    public static ValidationReport withSkipped(ValidationReport report, List<SkippedImage> skipped) {
        ValidationReport.Builder builder = ValidationReport.builder(report.examplesPerKind());
        for (SkippedImage s : skipped) {
            builder.add(s.problem(), s.imageId(), s.fileName() + ": " + s.detail());
        }
        return report.plus(builder.build());
    }

    private Manifest summarise(PrepareSpec spec, CocoDataset dataset, ValidationReport validation,
                               List<SkippedImage> skipped, Path out) throws IOException {
        Path shardsDir = new Path(out, Manifest.SHARDS_DIR);
        spark.sparkContext().setJobDescription("prepare: count what the shards hold");
        // Reads only the small columns: Parquet skips the image bytes.
        List<Row> perFile = spark.read().parquet(shardsDir.toString())
                .select(input_file_name().as("file"), expr("size(labels)").as("n"),
                        expr("size(filter(crowd, c -> c))").as("crowd"))
                .groupBy(col("file"))
                .agg(count("*").as("images"), sum("n").as("annotations"), sum("crowd").as("crowd"))
                .collectAsList();
        spark.sparkContext().setJobDescription(null);
        FileSystem fs = files.fileSystem(shardsDir);
        List<Manifest.Shard> shardList = new ArrayList<>();
        long images = 0;
        long annotations = 0;
        long crowd = 0;
        for (Row row : perFile) {
            Path file = new Path(row.getString(0));
            FileStatus status = fs.getFileStatus(file);
            shardList.add(new Manifest.Shard(Manifest.SHARDS_DIR + "/" + file.getName(), row.getLong(1), status.getLen()));
            images += row.getLong(1);
            annotations += row.getLong(2);
            crowd += row.getLong(3);
        }
        shardList.sort(Comparator.comparing(Manifest.Shard::path));
        List<Manifest.Category> categories = new ArrayList<>();
        for (CocoCategory c : dataset.categories()) {
            categories.add(new Manifest.Category(c.id(), c.name(), c.supercategory(), dataset.labelMap().labelOf(c.id())));
        }
        categories.sort(Comparator.comparingInt(Manifest.Category::label));
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (SkippedImage s : skipped) {
            byKind.merge(s.problem().key(), 1L, Long::sum);
        }
        Manifest.Counts counts = new Manifest.Counts(dataset.images().size(), images, skipped.size(), annotations, crowd);
        if (counts.imagesWritten() + counts.imagesSkipped() != counts.imagesInAnnotations()) {
            throw new IllegalStateException("prepare lost images: " + counts);
        }
        return new Manifest(Manifest.FORMAT_VERSION, Instant.now().toString(), spec.annotations(), spec.images(),
                spec.maxSide(), counts, categories, validation.toMap(), byKind, skipped,
                shardList);
    }

    /** File name -> size of every file directly in {@code dir}; a listing, no reads. */
    private Map<String, Long> listFiles(Path dir) throws IOException {
        FileSystem fs = files.fileSystem(dir);
        if (!fs.exists(dir)) {
            throw new java.io.FileNotFoundException("image folder " + dir + " does not exist");
        }
        Map<String, Long> sizes = new HashMap<>();
        for (FileStatus status : fs.listStatus(dir)) {
            if (status.isFile()) {
                sizes.put(status.getPath().getName(), status.getLen());
            }
        }
        return sizes;
    }

    private static long mb(long bytes) {
        return Math.round(bytes / 1048576.0);
    }
}
