package org.detsearch.testing;

import com.amazonaws.SdkClientException;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An S3-compatible server (s3proxy 2.9.0, in-memory "transient" jclouds backend) as a separate process on a free
 * 127.0.0.1 port, with a fresh bucket, for tests of s3a:// paths. It runs out of process because its libraries
 * clash with Hadoop's on one classpath; the filesystem backends are no use (filesystem stalls 10 s per write,
 * filesystem-nio2 breaks s3a). Its output goes to target/s3proxy-PORT.log; close() ends the process.
 */
public final class S3Proxy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3Proxy.class);
    public static final String ACCESS_KEY = "detsearch-test";
    public static final String SECRET_KEY = "detsearch-secret";
    public static final String REGION = "us-east-1";
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Process process;
    private final int port;
    private final String bucket;
    private final java.nio.file.Path properties;
    private final java.nio.file.Path log;
    private final Thread reaper;

    private S3Proxy(Process process, int port, String bucket, java.nio.file.Path properties, java.nio.file.Path log) {
        this.process = process;
        this.port = port;
        this.bucket = bucket;
        this.properties = properties;
        this.log = log;
        // a test that forgets close() must not leave a server running after the test JVM exits
        this.reaper = new Thread(process::destroyForcibly, "s3proxy-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    public static S3Proxy start() throws Exception {
        long t0 = System.nanoTime();
        java.nio.file.Path jar = java.nio.file.Path.of(
                System.getProperty("detsearch.s3proxy.jar", "target/test-tools/s3proxy.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the build (mvn process-test-classes) first");
        }
        // target/, next to test-tools/
        java.nio.file.Path logDir = jar.getParent().getParent();
        // The free port is found by binding and releasing it; another process may take it before s3proxy binds,
        // so a server that exits at once is retried on a new port.
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            java.nio.file.Path properties = Files.createTempFile("s3proxy", ".properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=transient",
                    "jclouds.identity=" + ACCESS_KEY,
                    "jclouds.credential=" + SECRET_KEY, ""));
            java.nio.file.Path log = logDir.resolve("s3proxy-" + port + ".log");
            Process process = new ProcessBuilder(
                    java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // a small short-lived server: the quick JIT and a small heap suffice
                    "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-jar", jar.toString(), "--properties", properties.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
            while (process.isAlive() && !accepts(port) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (!process.isAlive() && attempt < 3) {
                LOG.warn("s3proxy on port {} exited at once (see {}); retrying on another port", port, log);
                Files.deleteIfExists(properties);
                continue;
            }
            String bucket = "detsearch-" + UUID.randomUUID().toString().substring(0, 8);
            S3Proxy proxy = new S3Proxy(process, port, bucket, properties, log);
            try {
                if (!process.isAlive() || !accepts(port)) {
                    throw new IllegalStateException("s3proxy did not start");
                }
                proxy.createBucket(deadline);
            } catch (Exception e) {
                proxy.close();
                throw new IllegalStateException(e.getMessage() + "; s3proxy's output (" + log + "):\n"
                        + Files.readString(log), e);
            }
            LOG.info("S3Proxy started at {} (bucket {}) in {} ms", proxy.endpoint(), bucket,
                    (System.nanoTime() - t0) / 1_000_000);
            return proxy;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The port may accept connections a little before the S3 handler answers: retry until it does. */
    private void createBucket(long deadline) throws InterruptedException {
        AmazonS3 client = client();
        while (true) {
            try {
                client.createBucket(bucket);
                return;
            } catch (SdkClientException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** http://127.0.0.1:PORT */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String bucket() {
        return bucket;
    }

    /** s3a://BUCKET */
    public URI bucketUri() {
        return URI.create("s3a://" + bucket);
    }

    /** s3a://BUCKET/relative */
    public String path(String relative) {
        return bucketUri() + "/" + relative;
    }

    /** The server's output. */
    public java.nio.file.Path logFile() {
        return log;
    }

    /** An AWS SDK v1 client for the server (path-style access: the bucket is no DNS name here). */
    public AmazonS3 client() {
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint(), REGION))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** The s3a settings that work against s3proxy, as Hadoop keys (also usable as the job config's hadoop section). */
    public Map<String, String> s3aSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fs.s3a.endpoint", endpoint());
        s.put("fs.s3a.endpoint.region", REGION);
        s.put("fs.s3a.path.style.access", "true");
        s.put("fs.s3a.connection.ssl.enabled", "false");
        s.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        s.put("fs.s3a.access.key", ACCESS_KEY);
        s.put("fs.s3a.secret.key", SECRET_KEY);
        s.put("fs.s3a.directory.marker.retention", "keep");
        // Each proxy listens on another port: a cached file system would talk to a dead one.
        s.put("fs.s3a.impl.disable.cache", "true");
        return s;
    }

    /** A Hadoop configuration with {@link #s3aSettings()}. */
    public Configuration conf() {
        Configuration conf = new Configuration();
        s3aSettings().forEach(conf::set);
        return conf;
    }

    /** Copies a local file or folder into the bucket. */
    public void upload(java.nio.file.Path local, String relative) throws IOException {
        try (FileSystem fs = FileSystem.newInstance(bucketUri(), conf())) {
            fs.copyFromLocalFile(false, true, new Path(local.toUri()), new Path(path(relative)));
        }
    }

    @Override
    public void close() throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Files.deleteIfExists(properties);
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // close() called during JVM shutdown: the reaper runs anyway
        }
    }
}
