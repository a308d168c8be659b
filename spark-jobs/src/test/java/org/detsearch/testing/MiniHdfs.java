package org.detsearch.testing;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;

/**
 * A real HDFS (name node + one data node) in this JVM on 127.0.0.1, for tests of hdfs:// paths. Starts in a few
 * seconds; close() stops it and deletes its storage.
 */
public final class MiniHdfs implements AutoCloseable {
    private final MiniDFSCluster cluster;
    private final java.nio.file.Path baseDir;

    private MiniHdfs(MiniDFSCluster cluster, java.nio.file.Path baseDir) {
        this.cluster = cluster;
        this.baseDir = baseDir;
    }

    public static MiniHdfs start() throws IOException {
        java.nio.file.Path base = Files.createTempDirectory("minihdfs");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        // Every address on loopback: tests must not bind other interfaces.
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.setBoolean("dfs.permissions.enabled", false);
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        return new MiniHdfs(cluster, base);
    }

    /** hdfs://127.0.0.1:PORT */
    public URI uri() {
        return URI.create("hdfs://127.0.0.1:" + cluster.getNameNodePort());
    }

    public String path(String relative) {
        return uri() + "/" + relative;
    }

    public Configuration conf() {
        return new Configuration(cluster.getConfiguration(0));
    }

    /** Copies a local file or folder into HDFS. */
    public void upload(java.nio.file.Path local, String relative) throws IOException {
        FileSystem fs = cluster.getFileSystem();
        fs.copyFromLocalFile(false, true, new Path(local.toUri()), new Path(path(relative)));
    }

    @Override
    public void close() throws IOException {
        cluster.shutdown(true);
        org.apache.commons.io.FileUtils.deleteQuietly(baseDir.toFile());
    }
}
