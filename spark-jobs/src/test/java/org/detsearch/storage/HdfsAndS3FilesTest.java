package org.detsearch.storage;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.detsearch.coco.CocoInstances;
import org.detsearch.coco.CocoJsonReader;
import org.detsearch.coco.CocoFormatException;
import org.detsearch.coco.SharedTestData;
import org.detsearch.io.HadoopFiles;
import org.detsearch.io.OutputFolder;
import org.detsearch.testing.MiniHdfs;
import org.detsearch.testing.S3Proxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The storage primitives every job relies on, against a real HDFS and a real S3 protocol server. */
class HdfsAndS3FilesTest {
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

    private static List<Object[]> stores() {
        return List.of(new Object[] {new HadoopFiles(hdfs.conf()), hdfs.path("t")},
                new Object[] {new HadoopFiles(s3.conf()), s3.path("t")});
    }

    @Test
    void atomicWritesReplaceWholeFilesAndLeaveNoTemporaries() throws Exception {
        for (Object[] store : stores()) {
            HadoopFiles files = (HadoopFiles) store[0];
            Path dir = files.qualify(store[1] + "/atomic");
            Path target = new Path(dir, "result.json");
            files.writeAtomically(target, "first".getBytes(StandardCharsets.UTF_8));
            files.writeAtomically(target, "second, longer".getBytes(StandardCharsets.UTF_8));
            assertEquals("second, longer", new String(files.readAll(target), StandardCharsets.UTF_8), dir.toString());
            FileSystem fs = files.fileSystem(dir);
            assertEquals(1, fs.listStatus(dir).length, "no temporary file left in " + dir);
        }
    }

    @Test
    void aWriterThatFailsLeavesThePreviousFileIntact() throws Exception {
        for (Object[] store : stores()) {
            HadoopFiles files = (HadoopFiles) store[0];
            Path target = files.qualify(store[1] + "/failing/manifest.json");
            files.writeAtomically(target, "complete".getBytes(StandardCharsets.UTF_8));
            assertThrows(java.io.IOException.class, () -> files.writeAtomically(target, out -> {
                out.write("half".getBytes(StandardCharsets.UTF_8));
                throw new java.io.IOException("disk full");
            }));
            assertEquals("complete", new String(files.readAll(target), StandardCharsets.UTF_8), target.toString());
        }
    }

    @Test
    void outputFoldersAreRefusedUnlessOverwriting() throws Exception {
        for (Object[] store : stores()) {
            HadoopFiles files = (HadoopFiles) store[0];
            Path dir = files.qualify(store[1] + "/claimed");
            OutputFolder.claim(files, dir, false, "manifest.json");
            files.writeAtomically(new Path(dir, "part-0"), new byte[] {1});
            OutputFolder.OutputExistsException e = assertThrows(OutputFolder.OutputExistsException.class,
                    () -> OutputFolder.claim(files, dir, false, "manifest.json"));
            assertTrue(e.getMessage().contains("unfinished run"), e.getMessage());
            OutputFolder.claim(files, dir, true, "manifest.json");
            assertEquals(0, files.fileSystem(dir).listStatus(dir).length, "overwrite empties the folder");
        }
    }

    @Test
    void cocoAnnotationsStreamFromHdfsAndS3() throws Exception {
        hdfs.upload(SharedTestData.coco128Instances(), "coco/instances.json");
        s3.upload(SharedTestData.coco128Instances(), "coco/instances.json");
        for (Object[] store : List.of(new Object[] {new HadoopFiles(hdfs.conf()), hdfs.path("coco/instances.json")},
                new Object[] {new HadoopFiles(s3.conf()), s3.path("coco/instances.json")})) {
            HadoopFiles files = (HadoopFiles) store[0];
            CocoInstances instances = CocoJsonReader.readInstances(files, files.qualify((String) store[1]));
            assertEquals(128, instances.images().size());
            assertEquals(939, instances.annotations().size());
        }
        java.nio.file.Path truncated = Files.createTempFile("truncated", ".json");
        Files.writeString(truncated, Files.readString(SharedTestData.coco128Instances()).substring(0, 5000));
        s3.upload(truncated, "coco/truncated.json");
        HadoopFiles files = new HadoopFiles(s3.conf());
        CocoFormatException e = assertThrows(CocoFormatException.class,
                () -> CocoJsonReader.readInstances(files, files.qualify(s3.path("coco/truncated.json"))));
        assertTrue(e.getMessage().contains("truncated.json") && e.getMessage().contains("unexpected end of input"), e.getMessage());
    }

    @Test
    void theHadoopSectionOfAJobConfigReachesTheFileSystem() throws Exception {
        Configuration conf = new Configuration();
        com.typesafe.config.Config job = com.typesafe.config.ConfigFactory.parseMap(
                java.util.Map.of("hadoop", s3.s3aSettings().entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        e -> "\"" + e.getKey() + "\"", java.util.Map.Entry::getValue)))).resolve();
        org.detsearch.io.HadoopConf.applyTo(job, conf);
        HadoopFiles files = new HadoopFiles(conf);
        files.writeAtomically(files.qualify(s3.path("from-config.txt")), new byte[] {42});
        assertEquals(42, files.readAll(files.qualify(s3.path("from-config.txt")))[0]);
    }
}
