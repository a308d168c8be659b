package org.detsearch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.detsearch.coco.SharedTestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code detsearch prepare} as a user runs it: real COCO data, bad input, bad config, exit codes. */
class PrepareCommandTest {
    private static final String[] LOCAL = {"-Dspark-runtime.master=local[2]", "-Dspark-runtime.conf.\"spark.ui.enabled\"=false"};

    private static CliRunner prepare(String... args) {
        List<String> all = new ArrayList<>(List.of("prepare"));
        all.addAll(Arrays.asList(args));
        all.addAll(Arrays.asList(LOCAL));
        return CliRunner.run(all.toArray(String[]::new));
    }

    @Test
    void shardsTheRealCoco128PhotosAndWritesManifestAndRedactedConfig(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("coco128");
        CliRunner run = prepare("--annotations", SharedTestData.coco128Instances().toString(),
                "--images", SharedTestData.coco128Images().toString(), "--output", out.toString(),
                "--shard-size", "2MiB", "-Dhadoop.\"fs.s3a.secret.key\"=hunter2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("prepare: wrote 128 of 128 images (939 annotations, 10 crowd) in "), run.out());
        assertTrue(run.out().contains("80 categories"), run.out());

        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(128, manifest.at("/counts/imagesWritten").asInt());
        assertTrue(manifest.get("shards").size() >= 5, "about 20 MB of photos in 2 MiB shards: " + manifest.get("shards"));
        assertEquals(90, manifest.at("/categories/79/id").asInt(), "COCO ids kept, labels contiguous");
        assertEquals(79, manifest.at("/categories/79/label").asInt());
        String resolved = Files.readString(out.resolve("resolved.conf"));
        assertTrue(resolved.contains("max-side") && resolved.contains(out.toString()), resolved);
        assertFalse(resolved.contains("hunter2"), "secrets are redacted: " + resolved);
    }

    @Test
    void badInputsGiveTheirReasonsAndExitCodes(@TempDir Path tmp) throws Exception {
        Path truncated = tmp.resolve("truncated.json");
        String full = Files.readString(SharedTestData.coco128Instances());
        Files.writeString(truncated, full.substring(0, full.indexOf("\"annotations\"") + 300));
        CliRunner run = prepare("--annotations", truncated.toString(), "--images", tmp.toString(),
                "--output", tmp.resolve("out").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().startsWith("prepare: failed: "), run.err());
        assertTrue(run.err().contains("truncated.json: malformed COCO JSON at $.annotations[0]"), run.err());

        run = prepare("--annotations", tmp.resolve("absent.json").toString(), "--images", tmp.toString(),
                "--output", tmp.resolve("out2").toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("absent.json"), run.err());
    }

    /**
     * coco128 with damage a user meets in practice: a box with negative width, an unknown category id, an
     * annotation of an image not in the file, a deleted photo and a truncated one. The job finishes, and the
     * console and the manifest say what was left out and why.
     */
    @Test
    void damagedAnnotationsAndImagesAreReportedNotSilentlyDropped(@TempDir Path tmp) throws Exception {
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode instances =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(SharedTestData.coco128Instances().toFile());
        com.fasterxml.jackson.databind.node.ArrayNode annotations = (com.fasterxml.jackson.databind.node.ArrayNode) instances.get("annotations");
        ((com.fasterxml.jackson.databind.node.ArrayNode) annotations.get(0).get("bbox")).set(2, -5);
        ((com.fasterxml.jackson.databind.node.ObjectNode) annotations.get(1)).put("category_id", 999);
        ((com.fasterxml.jackson.databind.node.ObjectNode) annotations.get(2)).put("image_id", 123456789);
        long firstAnnotationId = annotations.get(0).get("id").asLong();
        Path images = tmp.resolve("images");
        Files.createDirectories(images);
        try (var photos = Files.list(SharedTestData.coco128Images())) {
            for (Path photo : photos.toList()) {
                Files.copy(photo, images.resolve(photo.getFileName()));
            }
        }
        Files.delete(images.resolve("000000000009.jpg"));
        byte[] bytes = Files.readAllBytes(images.resolve("000000000025.jpg"));
        Files.write(images.resolve("000000000025.jpg"), Arrays.copyOf(bytes, bytes.length / 3));
        Path annotationsFile = tmp.resolve("instances.json");
        json.writeValue(annotationsFile.toFile(), instances);

        CliRunner run = prepare("--annotations", annotationsFile.toString(), "--images", images.toString(),
                "--output", tmp.resolve("out").toString());
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        assertTrue(out.contains("non-positive-box-size: 1 annotation dropped"), out);
        assertTrue(out.contains("annotation " + firstAnnotationId + ": "), out);
        assertTrue(out.contains("unknown-category-id: 1 annotation dropped"), out);
        assertTrue(out.contains("999"), out);
        assertTrue(out.contains("unknown-image-id: 1 annotation dropped"), out);
        assertTrue(out.contains("missing-image: 1 image skipped"), out);
        assertTrue(out.contains("000000000009.jpg"), out);
        assertTrue(out.contains("undecodable-image: 1 image skipped"), out);
        assertTrue(out.contains("prepare: wrote 126 of 128 images"), out);

        JsonNode manifest = json.readTree(tmp.resolve("out/manifest.json").toFile());
        assertEquals(2, manifest.at("/counts/imagesSkipped").asInt());
        assertEquals(1, manifest.at("/validation/problems/unknown-category-id/count").asInt());
        assertEquals(1, manifest.at("/validation/problems/missing-image/count").asInt());
        assertEquals(9, manifest.at("/skipped/0/imageId").asInt());
        assertEquals("missing-image", manifest.at("/skipped/0/problem").asText().toLowerCase().replace('_', '-'));
    }

    @Test
    void badConfigAndBadUsageExitWith2BeforeAnythingRuns(@TempDir Path tmp) {
        CliRunner run = prepare("--annotations", "a.json", "--images", "img", "--output", tmp.resolve("o").toString(),
                "-Dprepare.max-side=-3");
        assertEquals(2, run.exitCode());
        assertEquals("prepare: bad config value at 'prepare.max-side': got -3; allowed: an integer in [0, 65536]", run.err().strip());
        assertFalse(Files.exists(tmp.resolve("o")), "nothing was written");

        run = prepare("--images", "img", "--output", "o");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("'prepare.annotations': got \"\"; must not be empty"), run.err());

        run = CliRunner.run("prepare", "--no-such-option");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Unknown option: '--no-such-option'"), run.err());

        run = CliRunner.run();
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Missing subcommand"), run.err());
    }

    @Test
    void everyCommandHasHelp() {
        CliRunner run = CliRunner.run("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("prepare") && run.out().contains("Exit codes: 0 success, 1 the job failed, 2 bad usage"), run.out());
        run = CliRunner.run("prepare", "--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("--shard-size") && run.out().contains("-c, --config=FILE"), run.out());
    }
}
