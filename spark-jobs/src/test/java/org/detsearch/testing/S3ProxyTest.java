package org.detsearch.testing;

import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.model.S3ObjectSummary;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class S3ProxyTest {
    private static S3Proxy s3;

    @BeforeAll
    static void start() throws Exception {
        s3 = S3Proxy.start();
    }

    @AfterAll
    static void stop() throws Exception {
        s3.close();
    }

    @Test
    void servesAFreshBucketOnLoopback() {
        assertTrue(s3.endpoint().startsWith("http://127.0.0.1:"), s3.endpoint());
        assertEquals("s3a://" + s3.bucket(), s3.bucketUri().toString());
        assertTrue(s3.client().doesBucketExistV2(s3.bucket()));
        assertTrue(s3.client().listObjectsV2(s3.bucket()).getObjectSummaries().isEmpty());
        assertTrue(Files.isRegularFile(s3.logFile()), "s3proxy's output goes to " + s3.logFile());
    }

    @Test
    void filesCanBeWrittenReadListedRenamedAndDeletedThroughS3a() throws Exception {
        try (FileSystem fs = FileSystem.newInstance(s3.bucketUri(), s3.conf())) {
            assertEquals("org.apache.hadoop.fs.s3a.S3AFileSystem", fs.getClass().getName());
            FileSystemRoundTrip.check(fs, new Path(s3.path("round-trip")));
        }
    }

    @Test
    void s3aFilesAreS3ObjectsAndBack(@TempDir java.nio.file.Path tmp) throws Exception {
        s3.upload(Files.writeString(tmp.resolve("hello.txt"), "hello s3"), "uploads/hello.txt");
        AmazonS3 client = s3.client();
        List<String> keys = client.listObjectsV2(s3.bucket(), "uploads/").getObjectSummaries().stream()
                .map(S3ObjectSummary::getKey).toList();
        assertTrue(keys.contains("uploads/hello.txt"), keys.toString());
        assertEquals("hello s3", client.getObjectAsString(s3.bucket(), "uploads/hello.txt"));

        client.putObject(s3.bucket(), "from-sdk.txt", "written by the SDK");
        try (FileSystem fs = FileSystem.newInstance(s3.bucketUri(), s3.conf());
             InputStream in = fs.open(new Path(s3.path("from-sdk.txt")))) {
            assertEquals("written by the SDK", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aSecondProxyRunsBesideTheFirstAndStopsListeningOnClose() throws Exception {
        S3Proxy second = S3Proxy.start();
        int port = URI.create(second.endpoint()).getPort();
        try {
            assertNotEquals(s3.endpoint(), second.endpoint());
            assertNotEquals(s3.bucket(), second.bucket());
            second.client().putObject(second.bucket(), "only-here.txt", "x");
            assertTrue(second.client().doesObjectExist(second.bucket(), "only-here.txt"));
        } finally {
            second.close();
        }
        assertThrows(IOException.class, () -> new Socket("127.0.0.1", port).close(), "nothing listens after close");
        assertTrue(s3.client().doesBucketExistV2(s3.bucket()), "the first proxy is unaffected");
    }
}
