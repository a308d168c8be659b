package org.detsearch.testing;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.DatanodeInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MiniHdfsTest {
    private static MiniHdfs hdfs;

    @BeforeAll
    static void start() throws Exception {
        hdfs = MiniHdfs.start();
    }

    @AfterAll
    static void stop() throws Exception {
        hdfs.close();
    }

    /** A client that knows only the URI and the client settings, as Spark's hadoopConfiguration would. */
    private static FileSystem client() throws Exception {
        Configuration conf = new Configuration();
        hdfs.clientSettings().forEach(conf::set);
        return FileSystem.newInstance(hdfs.uri(), conf);
    }

    @Test
    void listensOnLoopback() throws Exception {
        assertEquals("hdfs", hdfs.uri().getScheme());
        assertEquals("127.0.0.1", hdfs.uri().getHost());
        assertTrue(hdfs.uri().getPort() > 0);
        try (FileSystem fs = client()) {
            DatanodeInfo[] dataNodes = ((DistributedFileSystem) fs).getDataNodeStats();
            assertEquals(1, dataNodes.length);
            assertEquals("127.0.0.1", dataNodes[0].getIpAddr());
        }
    }

    @Test
    void filesCanBeWrittenReadListedRenamedAndDeleted() throws Exception {
        try (FileSystem fs = client()) {
            FileSystemRoundTrip.check(fs, new Path(hdfs.path("round-trip")));
        }
    }

    @Test
    void uploadedFilesHaveOneReplica(@TempDir java.nio.file.Path tmp) throws Exception {
        hdfs.upload(Files.writeString(tmp.resolve("hello.txt"), "hello hdfs"), "uploads/hello.txt");
        Path remote = new Path(hdfs.path("uploads/hello.txt"));
        try (FileSystem fs = client(); InputStream in = fs.open(remote)) {
            assertEquals(1, fs.getFileStatus(remote).getReplication());
            assertEquals("hello hdfs", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        // the cluster's own configuration has this HDFS, spelled as uri(), as its default file system
        assertEquals(hdfs.uri(), FileSystem.get(hdfs.conf()).getUri());
    }
}
