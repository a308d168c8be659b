package org.detsearch.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepLeaseTest {
    private static final HadoopFiles FILES = new HadoopFiles(new Configuration());
    private static final Duration TTL = Duration.ofMinutes(10);

    /** The lease check on any Hadoop file system (local here; HDFS and S3 in SweepOnHdfsAndS3Test). */
    static void oneRunAtATime(HadoopFiles files, Path sweep) throws IOException {
        Instant now = Instant.parse("2024-05-01T10:00:00Z");
        SweepLease first = SweepLease.acquire(files, sweep, TTL, Clock.fixed(now, ZoneOffset.UTC), false);
        SweepLease.HeldException held = assertThrows(SweepLease.HeldException.class,
                () -> SweepLease.acquire(files, sweep, TTL, Clock.fixed(now.plusSeconds(60), ZoneOffset.UTC), false));
        assertTrue(held.getMessage().contains("is being run by run " + first.owner()), held.getMessage());
        assertTrue(held.getMessage().contains("expires at 2024-05-01T10:10:00Z"), held.getMessage());
        // the first run crashed without releasing: its lease expires and a later run takes over
        SweepLease second = SweepLease.acquire(files, sweep, TTL, Clock.fixed(now.plus(TTL).plusSeconds(1), ZoneOffset.UTC), false);
        IOException lost = assertThrows(IOException.class, first::renew, "the crashed run finds it lost the sweep");
        assertTrue(lost.getMessage().contains("the lease was taken by run " + second.owner()), lost.getMessage());
        first.close();
        assertTrue(files.exists(new Path(sweep, SweepLease.FILE_NAME)), "closing a lost lease leaves the new owner's");
        second.close();
        assertFalse(files.exists(new Path(sweep, SweepLease.FILE_NAME)), "released");
        SweepLease.acquire(files, sweep, TTL, Clock.fixed(now, ZoneOffset.UTC), false).close();
    }

    @Test
    void twoRunsOfOneSweepCannotBothWork(@TempDir java.nio.file.Path dir) throws IOException {
        oneRunAtATime(FILES, new Path(dir.toUri()));
        try (java.util.stream.Stream<java.nio.file.Path> files = Files.list(dir)) {
            assertEquals(0, files.count(), "no expired leases or checksum files left behind");
        }
    }

    @Test
    void aRunRenewsItsLeaseWhileItWorks(@TempDir java.nio.file.Path dir) throws Exception {
        Path sweep = new Path(dir.toUri());
        try (SweepLease lease = SweepLease.acquire(FILES, sweep, Duration.ofSeconds(3))) {
            Instant firstExpiry = expiry(dir);
            Thread.sleep(2500);
            assertTrue(expiry(dir).isAfter(firstExpiry), "renewed every third of the time to live");
            lease.check();
        }
        assertThrows(IllegalArgumentException.class, () -> SweepLease.acquire(FILES, sweep, Duration.ofMillis(10)));
    }

    private static Instant expiry(java.nio.file.Path dir) throws IOException {
        JsonNode lease = new ObjectMapper().readTree(dir.resolve(SweepLease.FILE_NAME).toFile());
        return Instant.parse(lease.path("expiresAt").asText());
    }
}
