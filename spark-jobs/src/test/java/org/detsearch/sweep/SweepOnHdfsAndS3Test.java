package org.detsearch.sweep;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.detsearch.cli.CliRunner;
import org.detsearch.io.HadoopFiles;
import org.detsearch.testing.LocalSpark;
import org.detsearch.testing.MiniHdfs;
import org.detsearch.testing.S3Proxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sweeps whose data, records, results and report live on HDFS (MiniDFSCluster) and on S3 (s3proxy), configured only
 * through the job's hadoop section: trials read their shards from there, records are written and compacted there, a
 * second run trains nothing, the results read back with Spark SQL, the report renders from there; the lease works
 * on both.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SweepOnHdfsAndS3Test {
    private static MiniHdfs hdfs;
    private static S3Proxy s3;

    @BeforeAll
    static void start() throws Exception {
        hdfs = MiniHdfs.start();
        s3 = S3Proxy.start();
        java.nio.file.Path data = SweepTestData.shared();
        for (String split : List.of("train", "val")) {
            hdfs.upload(data.resolve(split), "data/" + split);
            s3.upload(data.resolve(split), "data/" + split);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        hdfs.close();
        s3.close();
    }

    private static List<String> hadoopOverrides(Map<String, String> settings) {
        List<String> args = new ArrayList<>();
        settings.forEach((k, v) -> args.add("-Dhadoop.\"" + k + "\"=" + v));
        return args;
    }

    private static void sweepAndReport(String sweep, String train, String val, Map<String, String> hadoop, Configuration conf)
            throws Exception {
        // one trial, reading its shards from the same file system
        List<String> args = new ArrayList<>(SweepCommandTest.sweepArgs(sweep, java.nio.file.Path.of("/unused")));
        args.replaceAll(a -> a.startsWith("-Dsweep.trial.data.train=") ? "-Dsweep.trial.data.train=" + train
                : a.startsWith("-Dsweep.trial.data.evaluation=") ? "-Dsweep.trial.data.evaluation=" + val : a);
        args.addAll(hadoopOverrides(hadoop));
        CliRunner first = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, first.exitCode(), first.out() + first.err());
        assertTrue(first.out().contains("sweep: 1 trials, 1 run now: {DONE=1}"), first.out());
        CliRunner second = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("sweep: 1 trials, 0 run now: {DONE=1}"), "nothing trained again: " + second.out());

        HadoopFiles files = new HadoopFiles(conf);
        FileSystem fs = files.fileSystem(new Path(sweep));
        List<String> storeFiles = new ArrayList<>();
        for (FileStatus status : fs.listStatus(new Path(sweep, "trials"))) {
            storeFiles.add(status.getPath().getName());
        }
        assertEquals(List.of(TrialStore.COMPACTED_DIR), storeFiles, "the loose record was compacted");
        assertTrue(fs.exists(new Path(sweep, "results/trials.csv")));
        assertTrue(fs.exists(new Path(sweep, "progress.json")));
        assertTrue(!fs.exists(new Path(sweep, SweepLease.FILE_NAME)), "the lease is released");
        SweepLeaseTest.oneRunAtATime(files, new Path(sweep, "lease-check"));

        List<String> report = new ArrayList<>(List.of("report", "--sweep", sweep, "-Dreport.chart-width=500", "-Dreport.chart-height=400"));
        report.addAll(hadoopOverrides(hadoop));
        CliRunner rendered = CliRunner.run(report.toArray(String[]::new));
        assertEquals(0, rendered.exitCode(), rendered.err());
        for (String chart : List.of("ap-vs-multiply-adds.png", "ap-vs-params.png", "ap-vs-latency.png")) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(files.readAll(new Path(sweep, "report/" + chart))));
            assertNotNull(image, chart + " decodes");
            assertEquals(500, image.getWidth(), chart);
            assertEquals(400, image.getHeight(), chart);
        }
        assertTrue(new String(files.readAll(new Path(sweep, "report/summary.md"))).contains("## Best trial per multiply-adds budget"));
    }

    @Test
    void onHdfs() throws Exception {
        sweepAndReport(hdfs.path("sweeps/grid"), hdfs.path("data/train"), hdfs.path("data/val"), hdfs.clientSettings(), hdfs.conf());
        assertResultsReadBySparkSql(hdfs.path("sweeps/grid"), hdfs.clientSettings());
    }

    @Test
    void onS3() throws Exception {
        sweepAndReport(s3.path("sweeps/grid"), s3.path("data/train"), s3.path("data/val"), s3.s3aSettings(), s3.conf());
        assertResultsReadBySparkSql(s3.path("sweeps/grid"), s3.s3aSettings());
    }

    private static void assertResultsReadBySparkSql(String sweep, Map<String, String> hadoop) {
        try (LocalSpark spark = LocalSpark.start()) {
            spark.withHadoopSettings(hadoop);
            List<Row> rows = spark.session().read().parquet(sweep + "/results/trials.parquet")
                    .select("status", "AP", "multiply_adds", "latency_ms").collectAsList();
            assertEquals(1, rows.size());
            assertEquals("DONE", rows.get(0).getString(0));
            assertTrue(rows.get(0).getDouble(1) >= 0);
        }
    }
}
