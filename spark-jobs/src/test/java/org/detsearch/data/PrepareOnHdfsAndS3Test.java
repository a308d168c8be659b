package org.detsearch.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.Path;
import org.detsearch.cli.CliRunner;
import org.detsearch.coco.SharedTestData;
import org.detsearch.io.HadoopFiles;
import org.detsearch.testing.MiniHdfs;
import org.detsearch.testing.S3Proxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code prepare} reading from and writing to hdfs:// and s3a://, configured only through the job config. */
class PrepareOnHdfsAndS3Test {
    private static MiniHdfs hdfs;
    private static S3Proxy s3;

    @BeforeAll
    static void start() throws Exception {
        hdfs = MiniHdfs.start();
        s3 = S3Proxy.start();
    }

    @AfterAll
    static void stop() throws Exception {
        hdfs.close();
        s3.close();
    }

    /** The s3a settings as -Dhadoop."key"=value overrides, the way a user would pass them. */
    private static List<String> s3Overrides() {
        List<String> args = new ArrayList<>();
        for (Map.Entry<String, String> e : s3.s3aSettings().entrySet()) {
            args.add("-Dhadoop.\"" + e.getKey() + "\"=" + e.getValue());
        }
        return args;
    }

    private static CliRunner prepare(String annotations, String images, String output, String... extra) {
        List<String> args = new ArrayList<>(List.of("prepare", "--annotations", annotations, "--images", images,
                "--output", output, "--shard-size", "3MiB",
                "-Dspark-runtime.master=local[2]", "-Dspark-runtime.conf.\"spark.ui.enabled\"=false"));
        args.addAll(s3Overrides());
        args.addAll(Arrays.asList(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void coco128FromHdfsToS3() throws Exception {
        hdfs.upload(SharedTestData.coco128Instances(), "coco128/instances.json");
        hdfs.upload(SharedTestData.coco128Images(), "coco128/images");
        CliRunner run = prepare(hdfs.path("coco128/instances.json"), hdfs.path("coco128/images"), s3.path("datasets/coco128"));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("prepare: wrote 128 of 128 images (939 annotations, 10 crowd)"), run.out());

        HadoopFiles files = new HadoopFiles(s3.conf());
        Path dataset = files.qualify(s3.path("datasets/coco128"));
        Manifest manifest = Manifest.read(files, dataset);
        assertEquals(128, manifest.shards().stream().mapToLong(Manifest.Shard::images).sum());
        for (Path shard : manifest.shardPaths(dataset)) {
            assertTrue(files.exists(shard), shard.toString());
        }
        String resolved = new String(files.readAll(new Path(dataset, "resolved.conf")));
        assertFalse(resolved.contains(S3Proxy.SECRET_KEY), "the S3 secret is redacted in " + resolved);
        assertTrue(resolved.contains("\"***\""), resolved);
    }

    @Test
    void generatedDataFromS3ToHdfs(@TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path data = tmp.resolve("synthetic");
        CliRunner gen = CliRunner.run("generate-data", "--output", data.toString(), "--train", "10", "--val", "2",
                "--image-size", "128");
        assertEquals(0, gen.exitCode(), gen.err());
        s3.upload(data.resolve("train"), "synthetic/train");
        CliRunner run = prepare(s3.path("synthetic/train/instances.json"), s3.path("synthetic/train/images"),
                hdfs.path("datasets/synthetic"), "--max-side", "64");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("prepare: wrote 10 of 10 images"), run.out());

        JsonNode manifest = new ObjectMapper().readTree(new HadoopFiles(hdfs.conf())
                .readAll(new Path(hdfs.path("datasets/synthetic/manifest.json"))));
        assertEquals(64, manifest.get("maxSide").asInt());
        assertEquals(10, manifest.at("/counts/imagesWritten").asInt());
    }
}
