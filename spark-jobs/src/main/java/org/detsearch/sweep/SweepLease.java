package org.detsearch.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps two runs of one sweep from working at once: {@code <sweep>/lease.json} names the run holding the sweep
 * (owner id, host, process) and when the lease expires. A run takes a missing or expired lease, renews it while
 * it works (every third of its time to live) and deletes it when done; a run finding a live lease of another
 * owner stops with {@link HeldException}. A crashed run's lease expires after its time to live.
 * <p>
 * Taking a lease is an exclusive create on HDFS and local disk (one of two racing runs wins). An expired lease
 * is first renamed away, which also only one run can do. S3 has neither exclusive creates nor atomic renames
 * (Hadoop 3.3's s3a): there the run writes the lease, reads it back after a moment and gives up if another owner
 * overwrote it, which closes all but a sub-second window. Expiry compares the lease's time with the reader's
 * clock: hosts' clocks must agree to well within the time to live.
 */
public final class SweepLease implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SweepLease.class);
    public static final String FILE_NAME = "lease.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration S3_SETTLE = Duration.ofMillis(500);

    /** Another live run holds the sweep. */
    public static final class HeldException extends IllegalStateException {
        public HeldException(String message) {
            super(message);
        }
    }

    private final HadoopFiles files;
    private final Path file;
    private final Duration ttl;
    private final Clock clock;
    private final String owner = UUID.randomUUID().toString();
    private final Instant acquired;
    private ScheduledExecutorService renewer;
    private volatile IOException renewFailure;

    private SweepLease(HadoopFiles files, Path file, Duration ttl, Clock clock) {
        this.files = files;
        this.file = file;
        this.ttl = ttl;
        this.clock = clock;
        this.acquired = clock.instant();
    }

    /** Takes the lease of {@code sweepDir} and starts renewing it, or throws {@link HeldException}. */
    public static SweepLease acquire(HadoopFiles files, Path sweepDir, Duration ttl) throws IOException {
        return acquire(files, sweepDir, ttl, Clock.systemUTC(), true);
    }

    static SweepLease acquire(HadoopFiles files, Path sweepDir, Duration ttl, Clock clock, boolean renew) throws IOException {
        if (ttl.toMillis() < 1000) {
            throw new IllegalArgumentException("a lease lives at least a second, got " + ttl);
        }
        SweepLease lease = new SweepLease(files, new Path(sweepDir, FILE_NAME), ttl, clock);
        lease.take();
        if (renew) {
            lease.startRenewing();
        }
        return lease;
    }

    public String owner() {
        return owner;
    }

    private void take() throws IOException {
        FileSystem fs = fileSystem();
        boolean objectStore = HadoopFiles.isObjectStore(files.fileSystem(file));
        JsonNode current = read();
        if (current != null) {
            Instant expires = Instant.parse(current.path("expiresAt").asText());
            if (expires.isAfter(clock.instant())) {
                throw new HeldException("sweep " + file.getParent() + " is being run by " + describe(current)
                        + "; its lease " + file + " expires at " + expires + " unless renewed (a crashed run's lease "
                        + "expires by itself; delete the file only if no run is alive)");
            }
            LOG.warn("sweep {}: taking over the expired lease of {} (expired at {})", file.getParent(), describe(current), expires);
            if (!objectStore) {
                Path stale = new Path(file.getParent(), "." + FILE_NAME + ".expired-" + owner);
                if (!fs.rename(file, stale)) {
                    throw new HeldException("sweep " + file.getParent() + ": another run took over the expired lease first");
                }
                fs.delete(stale, false);
            }
        }
        byte[] content = content();
        if (objectStore) {
            files.writeAtomically(file, content);
            sleep(S3_SETTLE);
            JsonNode check = read();
            if (check == null || !owner.equals(check.path("owner").asText())) {
                throw new HeldException("sweep " + file.getParent() + " was taken by " + (check == null ? "another run" : describe(check))
                        + " at the same moment");
            }
        } else {
            fs.mkdirs(file.getParent());
            try (FSDataOutputStream out = fs.create(file, false)) {
                out.write(content);
            } catch (FileAlreadyExistsException e) {
                throw new HeldException("sweep " + file.getParent() + " was taken by another run at the same moment");
            } catch (IOException e) {
                if (fs.exists(file)) {
                    throw new HeldException("sweep " + file.getParent() + " was taken by another run at the same moment");
                }
                throw e;
            }
        }
        LOG.info("sweep {}: lease taken by {} until {}", file.getParent(), owner, clock.instant().plus(ttl));
    }

    /** On local disk the raw file system: the checksummed one would keep .crc files that nio rewrites make stale. */
    private FileSystem fileSystem() {
        FileSystem fs = files.fileSystem(file);
        return fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRaw() : fs;
    }

    private JsonNode read() throws IOException {
        try {
            return JSON.readTree(files.readAll(file));
        } catch (FileNotFoundException e) {
            return null;
        }
    }

    private byte[] content() throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("owner", owner);
        node.put("host", host());
        node.put("pid", ProcessHandle.current().pid());
        node.put("acquiredAt", acquired.toString());
        node.put("renewedAt", clock.instant().toString());
        node.put("expiresAt", clock.instant().plus(ttl).toString());
        return JSON.writeValueAsBytes(node);
    }

    private static String describe(JsonNode lease) {
        return "run " + lease.path("owner").asText() + " (host " + lease.path("host").asText() + ", pid "
                + lease.path("pid").asText() + ", since " + lease.path("acquiredAt").asText() + ")";
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Rewrites the lease with a new expiry, if it is still ours. */
    void renew() throws IOException {
        JsonNode current = read();
        if (current == null || !owner.equals(current.path("owner").asText())) {
            throw new IOException("sweep " + file.getParent() + ": the lease was taken by "
                    + (current == null ? "nobody (deleted)" : describe(current)) + " while this run held it");
        }
        files.writeAtomically(file, content());
    }

    private void startRenewing() {
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sweep-lease-renewer");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, ttl.toMillis() / 3);
        renewer.scheduleAtFixedRate(() -> {
            try {
                renew();
            } catch (IOException e) {
                renewFailure = e;
                LOG.error("cannot renew the sweep lease: {}", e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("cannot renew the sweep lease", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Throws if renewing failed (the lease was lost): the run must not go on writing. */
    public void check() throws IOException {
        if (renewFailure != null) {
            throw renewFailure;
        }
    }

    /** Stops renewing and deletes the lease if it is still ours. */
    @Override
    public void close() throws IOException {
        SweepProgress.stop(renewer);
        FileSystem fs = fileSystem();
        JsonNode current = read();
        if (current != null && owner.equals(current.path("owner").asText())) {
            fs.delete(file, false);
            LOG.info("sweep {}: lease released", file.getParent());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
