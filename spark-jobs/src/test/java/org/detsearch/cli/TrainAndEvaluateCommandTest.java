package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code detsearch train} and {@code evaluate --model} as a user runs them on a tiny model: the run folder's files,
 * a finished run refused, a killed run resumed without repeating epochs, the model evaluated on held-out shards.
 */
class TrainAndEvaluateCommandTest {
    /** A tiny detector on 128 px synthetic images, local Spark, two images per minibatch. */
    private static final String[] TINY = {"-Dspark-runtime.master=local[2]", "-Dspark-runtime.conf.\"spark.ui.enabled\"=false",
            "-Dtrain.model.backbone=tiny", "-Dtrain.model.width=0.125", "-Dtrain.model.fpn-channels=16",
            "-Dtrain.model.head-depth=1", "-Dtrain.model.image-size=128", "-Dtrain.batch-size=2",
            "-Dtrain.optimizer.method=adam", "-Dtrain.optimizer.learning-rate=1e-3", "-Dtrain.checkpoint-every=2"};

    @TempDir
    static Path data;

    /** 8 train and 4 val images, prepared into shards (train/ and val/ under {@link #data}). */
    @BeforeAll
    static void prepare() {
        org.detsearch.testing.PreparedSynthetic.prepare(data, 8, 4, 128, TINY[0], TINY[1]);
    }

    private static String[] args(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(Arrays.asList(args));
        all.addAll(Arrays.asList(TINY));
        return all.toArray(String[]::new);
    }

    private static List<Integer> historyIterations(Path run) throws Exception {
        List<String> lines = Files.readAllLines(run.resolve("history.csv"));
        assertEquals("iteration,epoch,loss,class_loss,box_loss,learning_rate,images_per_second", lines.get(0));
        return lines.stream().skip(1).map(l -> Integer.parseInt(l.substring(0, l.indexOf(',')))).toList();
    }

    @Test
    void trainsLocallyLeavesItsRunFolderRefusesToRepeatItAndTheModelEvaluatesAndPredicts(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        CliRunner train = CliRunner.run(args("train", "--data", data.resolve("train").toString(), "--output", run.toString(),
                "--mode", "local", "--epochs", "2"));
        assertEquals(0, train.exitCode(), train.err());
        // 8 images in minibatches of 2: 4 iterations per epoch
        assertTrue(train.out().contains("train: 2 epochs, 8 iterations; model at "), train.out());
        for (String file : List.of("model.zip", "checkpoint.zip", "resolved.conf")) {
            assertTrue(Files.size(run.resolve(file)) > 0, file);
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), historyIterations(run), "every iteration logged once");
        BufferedImage curve = ImageIO.read(run.resolve("loss-curve.png").toFile());
        assertNotNull(curve, "the loss curve decodes as a PNG");
        assertTrue(curve.getWidth() >= 400 && curve.getHeight() >= 200, curve.getWidth() + "x" + curve.getHeight());
        String resolved = Files.readString(run.resolve("resolved.conf"));
        assertTrue(resolved.matches("(?s).*\"?fpn-channels\"?\\s*[=:]\\s*\"?16\"?\\b.*"), resolved);

        CliRunner again = CliRunner.run(args("train", "--data", data.resolve("train").toString(), "--output", run.toString(),
                "--mode", "local"));
        assertEquals(2, again.exitCode(), again.out());
        assertTrue(again.err().contains("already holds a finished run (model.zip)"), again.err());

        Path eval = tmp.resolve("eval");
        CliRunner evaluate = CliRunner.run(args("evaluate", "--model", run.resolve("model.zip").toString(),
                "--data", data.resolve("val").toString(), "--output", eval.toString(), "--per-class"));
        assertEquals(0, evaluate.exitCode(), evaluate.err());
        assertTrue(evaluate.out().contains(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = "), evaluate.out());
        JsonNode metrics = new ObjectMapper().readTree(eval.resolve("metrics.json").toFile());
        for (String key : List.of("AP", "AP50", "AP75", "APs", "APm", "APl", "AR1", "AR10", "AR100", "ARs", "ARm", "ARl")) {
            assertTrue(metrics.get(key).isNumber(), key + " in " + metrics);
        }
        assertTrue(metrics.at("/per_class/7/name").asText().equals("cross"), "per class, keyed by COCO id: " + metrics);
        JsonNode detections = new ObjectMapper().readTree(eval.resolve("detections.json").toFile());
        assertTrue(detections.isArray() && detections.size() > 0 && detections.size() <= 4 * 100, "at most 100 per image");
        for (JsonNode d : detections) {
            assertTrue(List.of(1, 3, 4, 7, 9, 10).contains(d.get("category_id").asInt()), "COCO category ids: " + d);
            assertTrue(d.get("image_id").asInt() > 8, "val image ids follow train's: " + d);
            double x = d.at("/bbox/0").asDouble();
            double w = d.at("/bbox/2").asDouble();
            assertTrue(x >= 0 && w > 0 && x + w <= 128 + 1e-6, "boxes in original pixels: " + d);
        }
        predictsOnImageFiles(run.resolve("model.zip"), tmp);
    }

    /** predict on a folder of images with one broken file: results, the images listed, drawn copies, the bad one reported. */
    private static void predictsOnImageFiles(Path model, Path tmp) throws Exception {
        Path images = Files.createDirectories(tmp.resolve("photos"));
        try (var val = Files.list(data.resolve("synthetic/val/images"))) {
            for (Path image : val.toList()) {
                Files.copy(image, images.resolve(image.getFileName()));
            }
        }
        Files.write(images.resolve("broken.jpg"), new byte[] {(byte) 0xff, (byte) 0xd8, 1, 2, 3});
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Path out = tmp.resolve("predicted");
        CliRunner predict = CliRunner.run(args("predict", "--model", model.toString(), "--images", images.toString(),
                "--out", out.toString(), "--min-score", "0"));
        assertEquals(0, predict.exitCode(), predict.err());
        assertTrue(predict.out().contains("predict: 4 images, "), predict.out());
        assertTrue(predict.out().matches("(?s).*predict: skipped \\S*/broken\\.jpg: .*"), predict.out());
        JsonNode listed = new ObjectMapper().readTree(out.resolve("images.json").toFile());
        assertEquals(4, listed.get("images").size());
        assertEquals(6, listed.get("categories").size(), "the model's categories");
        JsonNode detections = new ObjectMapper().readTree(out.resolve("detections.json").toFile());
        assertTrue(detections.size() > 0);
        for (JsonNode image : listed.get("images")) {
            Path original = images.resolve(image.get("file_name").asText());
            BufferedImage drawn = ImageIO.read(out.resolve("drawn").resolve(original.getFileName()).toFile());
            BufferedImage source = ImageIO.read(original.toFile());
            assertEquals(source.getWidth(), drawn.getWidth());
            assertEquals(source.getHeight(), drawn.getHeight());
            boolean anyBox = false;
            for (JsonNode d : detections) {
                anyBox |= d.get("image_id").asLong() == image.get("id").asLong();
            }
            if (anyBox) {
                assertTrue(differs(source, drawn), "boxes drawn on " + original.getFileName());
            }
        }
        CliRunner again = CliRunner.run(args("predict", "--model", model.toString(), "--images", images.toString(),
                "--out", out.toString()));
        assertEquals(2, again.exitCode(), "an existing output is refused: " + again.err());
    }

    /** More than JPEG re-encoding noise: some pixel changed by over 100 levels in a channel. */
    private static boolean differs(BufferedImage a, BufferedImage b) {
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    if (Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff)) > 100) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void evaluateNeedsEitherAModelOrADetectionsFile(@TempDir Path tmp) {
        CliRunner both = CliRunner.run("evaluate", "--model", tmp.resolve("m.zip").toString(), "--dets", "d.json", "--gt", "g.json");
        assertEquals(2, both.exitCode());
        CliRunner neither = CliRunner.run("evaluate", "--gt", "g.json");
        assertEquals(2, neither.exitCode());
        CliRunner noData = CliRunner.run("evaluate", "--model", tmp.resolve("m.zip").toString(), "--output", tmp.toString());
        assertEquals(2, noData.exitCode(), noData.err());
        CliRunner notAModel = CliRunner.run(args("evaluate", "--model", data.resolve("train/manifest.json").toString(),
                "--data", data.resolve("val").toString(), "--output", tmp.resolve("e").toString()));
        assertEquals(1, notAModel.exitCode());
        assertTrue(notAModel.err().contains("is not a DetSearch detector"), notAModel.err());
    }

    /** With a moving average of the weights, the finished model keeps the average and the checkpoint the weights. */
    @Test
    void theFinishedModelKeepsTheMovingAverageOfTheWeights(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        CliRunner train = CliRunner.run(args("train", "--data", data.resolve("train").toString(), "--output", run.toString(),
                "--mode", "local", "--epochs", "1", "-Dtrain.optimizer.ema-decay=0.9"));
        assertEquals(0, train.exitCode(), train.err());
        org.detsearch.io.HadoopFiles files = new org.detsearch.io.HadoopFiles(new org.apache.hadoop.conf.Configuration());
        org.detsearch.train.CheckpointStore.Checkpoint checkpoint = new org.detsearch.train.CheckpointStore(files,
                files.qualify(run.toString())).restore().orElseThrow();
        org.nd4j.linalg.api.ndarray.INDArray model = org.detsearch.model.DetectorModel.load(files,
                files.qualify(run.resolve("model.zip").toString()), false, null).net().params();
        assertEquals(checkpoint.average(), model, "model.zip holds the average");
        assertTrue(model.sub(checkpoint.model().net().params()).amaxNumber().doubleValue() > 0, "not the last weights");
    }

    /**
     * The job killed (SIGKILL) after its first Spark epoch's checkpoint, then started again with the same command:
     * it resumes after the checkpointed epoch, and the history holds no iteration twice.
     */
    @Test
    void aKilledSparkRunResumesFromItsLastCheckpointWithoutRepeatingEpochs(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        String[] trainArgs = args("train", "--data", data.resolve("train").toString(), "--output", run.toString(),
                "--mode", "spark", "--epochs", "6");
        Path checkpoint = run.resolve("checkpoint.zip");
        boolean checkpointed = org.detsearch.testing.CliProcess.killWhenExists(checkpoint, tmp.resolve("job.log"), trainArgs);
        assertTrue(checkpointed, "a checkpoint before the kill: " + Files.readString(tmp.resolve("job.log")));
        assertFalse(Files.exists(run.resolve("model.zip")), "killed before the end");

        CliRunner resumed = CliRunner.run(trainArgs);
        assertEquals(0, resumed.exitCode(), resumed.err());
        // local[2]: two workers of 4 images each, 2 iterations per epoch
        String out = resumed.out();
        int after = Integer.parseInt(out.replaceAll("(?s).*resumed after iteration (\\d+).*", "$1"));
        assertTrue(after >= 2 && after < 12 && after % 2 == 0, "resumed after a whole epoch: " + out);
        assertTrue(out.contains("train: 6 epochs, 12 iterations"), out);
        List<Integer> iterations = historyIterations(run);
        assertEquals(iterations.stream().distinct().sorted().toList(), iterations, "no iteration twice: " + iterations);
        assertEquals(12, iterations.get(iterations.size() - 1));
        assertTrue(Files.size(run.resolve("model.zip")) > 0);
    }
}
