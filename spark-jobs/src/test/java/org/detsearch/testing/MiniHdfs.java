package org.detsearch.testing;

import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.Map;

/**
 * A real HDFS (name node + one data node) in this JVM on 127.0.0.1, for tests of hdfs:// paths. Starts in a few
 * seconds; close() stops it and deletes its storage. Clients in other JVMs (local-cluster executors) reach it too.
 */
public final class MiniHdfs implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MiniHdfs.class);
    /** One replica, as there is one data node (the default 3 leaves every block under-replicated). */
    private static final Map<String, String> CLIENT_SETTINGS = Map.of("dfs.replication", "1");

    private final MiniDFSCluster cluster;
    private final java.nio.file.Path baseDir;

    private MiniHdfs(MiniDFSCluster cluster, java.nio.file.Path baseDir) {
        this.cluster = cluster;
        this.baseDir = baseDir;
    }

    public static MiniHdfs start() throws IOException {
        long t0 = System.nanoTime();
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
        CLIENT_SETTINGS.forEach(conf::set);
        MiniDFSCluster cluster;
        try {
            cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
            cluster.waitActive();
        } catch (IOException | RuntimeException e) {
            FileUtils.deleteQuietly(base.toFile());
            throw e;
        }
        MiniHdfs hdfs = new MiniHdfs(cluster, base);
        LOG.info("MiniHdfs started at {} in {} ms", hdfs.uri(), (System.nanoTime() - t0) / 1_000_000);
        return hdfs;
    }

    /** hdfs://127.0.0.1:PORT */
    public URI uri() {
        return URI.create("hdfs://127.0.0.1:" + cluster.getNameNodePort());
    }

    /** hdfs://127.0.0.1:PORT/relative */
    public String path(String relative) {
        return uri() + "/" + relative;
    }

    /** What a client (e.g. Spark's hadoopConfiguration) should set; with full hdfs:// URIs it needs nothing else. */
    public Map<String, String> clientSettings() {
        return CLIENT_SETTINGS;
    }

    /** A copy of the cluster's configuration, whose default file system is this HDFS as {@link #uri()}. */
    public Configuration conf() {
        Configuration conf = new Configuration(cluster.getConfiguration(0));
        // MiniDFSCluster calls it hdfs://localhost:PORT; one spelling everywhere keeps paths comparable
        conf.set("fs.defaultFS", uri().toString());
        return conf;
    }

    /** The cluster's own client (do not close it). */
    public FileSystem fileSystem() throws IOException {
        return cluster.getFileSystem();
    }

    /** Copies a local file or folder into HDFS. */
    public void upload(java.nio.file.Path local, String relative) throws IOException {
        fileSystem().copyFromLocalFile(false, true, new Path(local.toUri()), new Path(path(relative)));
    }

    @Override
    public void close() throws IOException {
        cluster.shutdown(true);
        FileUtils.deleteQuietly(baseDir.toFile());
    }
}
