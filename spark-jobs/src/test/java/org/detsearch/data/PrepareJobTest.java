package org.detsearch.data;

import com.typesafe.config.Config;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.detsearch.coco.BBox;
import org.detsearch.coco.CocoAnnotation;
import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoValidator;
import org.detsearch.coco.ValidatedDataset;
import org.detsearch.coco.ValidationPolicy;
import org.detsearch.config.ConfigLoader;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImageCodec;
import org.detsearch.spark.SparkSessions;
import org.detsearch.io.OutputFolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** prepare on local[2] Spark with hand-made images: good ones, a corrupt, a missing and a wrongly sized one. */
class PrepareJobTest {
    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        Config conf = ConfigLoader.load(null, Map.of("spark-runtime.master", "local[2]",
                "spark-runtime.conf.\"spark.ui.enabled\"", "false"));
        spark = SparkSessions.create(conf, "PrepareJobTest");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    /** 12 good images 64x48 (one PNG) with one box each, plus a corrupt, a missing and a wrongly sized image. */
    private static ValidatedDataset writeImages(Path dir) throws Exception {
        Files.createDirectories(dir);
        List<CocoImage> images = new ArrayList<>();
        List<CocoAnnotation> annotations = new ArrayList<>();
        for (int id = 1; id <= 15; id++) {
            String name = id == 5 ? "img5.png" : "img" + id + ".jpg";
            images.add(new CocoImage(id, name, 64, 48));
            annotations.add(new CocoAnnotation(100 + id, id, id % 2 == 0 ? 3 : 7, new BBox(8, 4, 40, 30), 1200, id == 7));
            BufferedImage picture = new BufferedImage(id == 14 ? 32 : 64, id == 14 ? 32 : 48, BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = picture.createGraphics();
            g.setColor(new Color(200, 30, 30));
            g.fillRect(0, 0, 64, 48);
            g.dispose();
            byte[] bytes = ImageCodec.encodeJpeg(picture, 95);
            if (id == 5) {
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(picture, "png", png);
                bytes = png.toByteArray();
            }
            if (id == 12) {
                bytes = Arrays.copyOf(bytes, bytes.length / 2); // truncated download
            }
            if (id != 13) { // 13 is missing
                Files.write(dir.resolve(name), bytes);
            }
        }
        List<CocoCategory> categories = List.of(new CocoCategory(3, "square", "shape"), new CocoCategory(7, "disc", "shape"));
        return new CocoValidator(ValidationPolicy.DEFAULT).validate(new CocoInstances(images, annotations, categories));
    }

    private static PrepareSpec spec(Path images, Path out, int maxSide, boolean overwrite) {
        return new PrepareSpec("instances.json", images.toString(), out.toString(), 3000, maxSide, 90, overwrite);
    }

    @Test
    void writesShardsAndManifestAndSkipsBadImagesWithReasons(@TempDir Path tmp) throws Exception {
        ValidatedDataset dataset = writeImages(tmp.resolve("images"));
        Path out = tmp.resolve("dataset");
        Manifest manifest = new PrepareJob(spark).run(spec(tmp.resolve("images"), out, 0, false), dataset, "prepare {}");

        assertEquals(new Manifest.Counts(15, 12, 3, 12, 1), manifest.counts());
        assertEquals(Map.of("missing-image", 1L, "undecodable-image", 1L, "image-size-mismatch", 1L), manifest.skippedByKind());
        assertEquals(List.of(12L, 13L, 14L), manifest.skipped().stream().map(SkippedImage::imageId).toList());
        assertTrue(manifest.skipped().get(0).detail().startsWith("damaged image data") || manifest.skipped().get(0).detail().startsWith("cannot decode"),
                manifest.skipped().get(0).detail());
        assertEquals("file is 32x32, annotations say 64x48", manifest.skipped().get(2).detail());
        assertTrue(manifest.shards().size() > 1, "a 3 kB shard target splits the images: " + manifest.shards());
        assertEquals(12, manifest.shards().stream().mapToLong(Manifest.Shard::images).sum());
        for (Manifest.Shard shard : manifest.shards()) {
            assertTrue(Files.size(out.resolve(shard.path())) == shard.bytes(), shard.toString());
        }
        assertEquals(List.of(3, 7), manifest.categories().stream().map(Manifest.Category::id).toList());
        assertEquals(List.of(0, 1), manifest.categories().stream().map(Manifest.Category::label).toList());
        assertTrue(Files.readString(out.resolve("manifest.json")).contains("\"undecodable-image\""));
        assertEquals("prepare {}", Files.readString(out.resolve(PrepareJob.RESOLVED_CONFIG)));

        List<DecodedSample> samples = new ShardReader(spark).samples(out.toString(), 3).collect();
        assertEquals(12, samples.size());
        DecodedSample first = samples.stream().filter(s -> s.imageId() == 1).findFirst().orElseThrow();
        assertEquals(64, first.width());
        assertEquals(7, first.annotations().categoryIds()[0]);
        assertEquals(1, first.annotations().labels()[0]);
        assertEquals(8f, first.annotations().boxes()[0]);
        assertTrue((first.rgb()[0] & 0xff) > 180 && (first.rgb()[1] & 0xff) < 60, "decoded as RGB, red first");
        assertTrue(samples.stream().filter(s -> s.imageId() == 7).findFirst().orElseThrow().annotations().crowd()[0]);
    }

    @Test
    void readerSpreadsSamplesEvenlyOverPartitions(@TempDir Path tmp) throws Exception {
        ValidatedDataset dataset = writeImages(tmp.resolve("images"));
        Path out = tmp.resolve("dataset");
        new PrepareJob(spark).run(new PrepareSpec("x", tmp.resolve("images").toString(), out.toString(), 1L << 30, 0, 90, false),
                dataset, "");
        JavaRDD<DecodedSample> samples = new ShardReader(spark).samples(out.toString(), 5);
        List<Integer> sizes = samples.glom().map(List::size).collect();
        assertEquals(5, sizes.size());
        assertEquals(12, sizes.stream().mapToInt(Integer::intValue).sum());
        assertTrue(sizes.stream().allMatch(n -> n == 2 || n == 3), "12 samples over 5 partitions: " + sizes);
    }

    @Test
    void downscalesToMaxSideAndScalesBoxes(@TempDir Path tmp) throws Exception {
        ValidatedDataset dataset = writeImages(tmp.resolve("images"));
        Path out = tmp.resolve("small");
        new PrepareJob(spark).run(spec(tmp.resolve("images"), out, 32, false), dataset, "");
        DecodedSample sample = new ShardReader(spark).samples(out.toString(), 2).collect().stream()
                .filter(s -> s.imageId() == 2).findFirst().orElseThrow();
        assertEquals(32, sample.width());
        assertEquals(24, sample.height());
        assertEquals(List.of(4f, 2f, 20f, 15f), List.of(sample.annotations().boxes()[0], sample.annotations().boxes()[1],
                sample.annotations().boxes()[2], sample.annotations().boxes()[3]));
    }

    @Test
    void refusesAnExistingOutputUnlessOverwriteAndNamesAnUnfinishedRun(@TempDir Path tmp) throws Exception {
        ValidatedDataset dataset = writeImages(tmp.resolve("images"));
        Path out = tmp.resolve("dataset");
        Files.createDirectories(out.resolve("shards"));
        Files.writeString(out.resolve("shards/part-00000.parquet"), "half written");
        OutputFolder.OutputExistsException e = assertThrows(OutputFolder.OutputExistsException.class,
                () -> new PrepareJob(spark).run(spec(tmp.resolve("images"), out, 0, false), dataset, ""));
        assertTrue(e.getMessage().contains("holds an unfinished run (no manifest.json)"), e.getMessage());
        FileNotFoundException notPrepared = assertThrows(FileNotFoundException.class,
                () -> new ShardReader(spark).manifest(out.toString()));
        assertTrue(notPrepared.getMessage().contains("its prepare run did not finish"), notPrepared.getMessage());

        Manifest manifest = new PrepareJob(spark).run(spec(tmp.resolve("images"), out, 0, true), dataset, "");
        assertEquals(12, manifest.counts().imagesWritten());
        assertTrue(Files.notExists(out.resolve("shards/part-00000.parquet")), "the old content is gone");
        e = assertThrows(OutputFolder.OutputExistsException.class,
                () -> new PrepareJob(spark).run(spec(tmp.resolve("images"), out, 0, false), dataset, ""));
        assertTrue(e.getMessage().contains("holds a finished run"), e.getMessage());
    }

    @Test
    void missingImageFolderFailsWithItsName(@TempDir Path tmp) throws Exception {
        ValidatedDataset dataset = writeImages(tmp.resolve("images"));
        FileNotFoundException e = assertThrows(FileNotFoundException.class, () -> new PrepareJob(spark)
                .run(spec(tmp.resolve("nowhere"), tmp.resolve("out"), 0, false), dataset, ""));
        assertTrue(e.getMessage().contains("image folder") && e.getMessage().contains("nowhere"), e.getMessage());
    }
}
