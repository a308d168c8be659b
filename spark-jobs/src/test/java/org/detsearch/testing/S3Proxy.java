package org.detsearch.testing;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * An S3-compatible server (s3proxy, in-memory "transient" backend) as a separate process on 127.0.0.1, with a
 * fresh bucket, for tests of s3a:// paths. It runs out of process because its libraries clash with Hadoop's
 * on one classpath. Its log goes to target/s3proxy-PORT.log.
 */
public final class S3Proxy implements AutoCloseable {
    public static final String ACCESS_KEY = "detsearch-test";
    public static final String SECRET_KEY = "detsearch-secret";

    private final Process process;
    private final int port;
    private final String bucket;

    private S3Proxy(Process process, int port, String bucket) {
        this.process = process;
        this.port = port;
        this.bucket = bucket;
    }

    public static S3Proxy start() throws Exception {
        String jar = System.getProperty("detsearch.s3proxy.jar", "target/test-tools/s3proxy.jar");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        java.nio.file.Path properties = Files.createTempFile("s3proxy", ".properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                // the filesystem backends stall or break s3a (PLATFORM-NOTES); memory is enough for tests
                "jclouds.provider=transient",
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY, ""));
        java.nio.file.Path log = java.nio.file.Path.of("target", "s3proxy-" + port + ".log").toAbsolutePath();
        Process process = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar, "--properties", properties.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("s3proxy did not start; see " + log + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        String bucket = "detsearch-" + UUID.randomUUID().toString().substring(0, 8);
        S3Proxy proxy = new S3Proxy(process, port, bucket);
        proxy.client().createBucket(bucket);
        return proxy;
    }

    private static boolean accepts(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** s3a://BUCKET/relative */
    public String path(String relative) {
        return "s3a://" + bucket + "/" + relative;
    }

    public AmazonS3 client() {
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint(), "us-east-1"))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** The s3a settings that work against s3proxy, as Hadoop keys (also usable as the job config's hadoop section). */
    public Map<String, String> s3aSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fs.s3a.endpoint", endpoint());
        s.put("fs.s3a.endpoint.region", "us-east-1");
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

    public Configuration conf() {
        Configuration conf = new Configuration();
        s3aSettings().forEach(conf::set);
        return conf;
    }

    /** Copies a local file or folder into the bucket. */
    public void upload(java.nio.file.Path local, String relative) throws IOException {
        FileSystem fs = new Path(path(relative)).getFileSystem(conf());
        fs.copyFromLocalFile(false, true, new Path(local.toUri()), new Path(path(relative)));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
