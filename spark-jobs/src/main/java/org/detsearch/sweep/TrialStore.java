package org.detsearch.sweep;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.detsearch.io.HadoopFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trial records of a sweep (or of several sweeps sharing one store), content-addressed by trial id.
 * <ul>
 * <li>A finished trial writes {@code <store>/<id>.json} atomically ({@link HadoopFiles#writeAtomically}: a
 * temporary name and a rename on HDFS and local disk, one PUT on S3). A DONE record is never replaced, so a
 * Spark task retry or a speculative copy that finishes second leaves the first record; any other record is
 * replaced by a newer one (a retry of a failed trial).</li>
 * <li>{@link #compact()} folds the loose records into one file, {@code <store>/_compacted/records-<n>.jsonl}
 * (one record per line, one per trial), then deletes what it folded in. Reading the store therefore costs one
 * listing, one read of the compacted file and one read per record written since the last compaction, never one
 * per trial on every run (on S3, a request per object). A crash between writing the compacted file and deleting
 * leaves records that the next compaction folds in again; reading always keeps one record per trial.</li>
 * </ul>
 * Records of one trial merge as: a DONE record wins over any other, otherwise the newer wins (loose over
 * compacted, a later compacted file over an earlier one).
 */
public final class TrialStore {
    private static final Logger LOG = LoggerFactory.getLogger(TrialStore.class);
    public static final String COMPACTED_DIR = "_compacted";
    private static final String SUFFIX = ".json";
    private static final String COMPACTED_PREFIX = "records-";
    private static final String COMPACTED_SUFFIX = ".jsonl";

    private final HadoopFiles files;
    private final Path dir;

    public TrialStore(HadoopFiles files, Path dir) {
        this.files = files;
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path recordPath(String id) {
        return new Path(dir, id + SUFFIX);
    }

    /** The loose record of a trial, if it has one (not looking into compacted records). */
    public Optional<TrialRecord> readLoose(String id) throws IOException {
        Path path = recordPath(id);
        try {
            return Optional.of(TrialRecord.fromJson(files.readAll(path), path.toString()));
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes a trial's record unless a DONE record of it is already there; returns whether it was written.
     * Two writers finishing at once both leave a complete record and the last one stays: still one record.
     */
    public boolean put(TrialRecord record) throws IOException {
        Optional<TrialRecord> existing = readLoose(record.id());
        if (existing.isPresent() && existing.get().status() == TrialStatus.DONE) {
            LOG.info("trial {} already has a DONE record (a retried or speculative copy finished first); keeping it", record.id());
            return false;
        }
        files.writeAtomically(recordPath(record.id()), record.toJson());
        return true;
    }

    /** Every record, one per trial, after folding the loose ones into the compacted file. */
    public Map<String, TrialRecord> compact() throws IOException {
        FileSystem fs = files.fileSystem(dir);
        if (!fs.exists(dir)) {
            return new LinkedHashMap<>();
        }
        List<Path> segments = segments(fs);
        Map<String, TrialRecord> records = new LinkedHashMap<>();
        for (Path segment : segments) {
            readSegment(segment).forEach(r -> records.merge(r.id(), r, TrialStore::newer));
        }
        List<FileStatus> loose = new ArrayList<>();
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (status.isFile() && name.endsWith(SUFFIX) && !name.startsWith(".")) {
                loose.add(status);
            }
        }
        if (loose.isEmpty() && segments.size() <= 1) {
            return records;
        }
        for (FileStatus status : loose) {
            TrialRecord record = TrialRecord.fromJson(files.readAll(status.getPath()), status.getPath().toString());
            records.merge(record.id(), record, TrialStore::newer);
        }
        long next = segments.isEmpty() ? 1 : sequence(segments.get(segments.size() - 1)) + 1;
        Path compacted = new Path(new Path(dir, COMPACTED_DIR), String.format("%s%06d%s", COMPACTED_PREFIX, next, COMPACTED_SUFFIX));
        files.writeAtomically(compacted, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            for (TrialRecord record : records.values()) {
                writer.write(record.toJsonLine());
                writer.write('\n');
            }
            writer.flush();
        });
        for (FileStatus status : loose) {
            deleteIfUnchanged(fs, status);
        }
        for (Path segment : segments) {
            fs.delete(segment, false);
        }
        LOG.info("trial store {}: {} records, {} new ones compacted into {}", dir, records.size(), loose.size(), compacted.getName());
        return records;
    }

    /** A loose record rewritten since it was read (another sweep sharing the store) stays for the next compaction. */
    private static void deleteIfUnchanged(FileSystem fs, FileStatus read) throws IOException {
        try {
            FileStatus now = fs.getFileStatus(read.getPath());
            if (now.getModificationTime() == read.getModificationTime() && now.getLen() == read.getLen()) {
                fs.delete(read.getPath(), false);
            }
        } catch (FileNotFoundException e) {
            // already gone
        }
    }

    private List<Path> segments(FileSystem fs) throws IOException {
        Path compactedDir = new Path(dir, COMPACTED_DIR);
        List<Path> segments = new ArrayList<>();
        if (fs.exists(compactedDir)) {
            for (FileStatus status : fs.listStatus(compactedDir)) {
                String name = status.getPath().getName();
                if (status.isFile() && name.startsWith(COMPACTED_PREFIX) && name.endsWith(COMPACTED_SUFFIX)) {
                    segments.add(status.getPath());
                }
            }
        }
        segments.sort((a, b) -> Long.compare(sequence(a), sequence(b)));
        return segments;
    }

    private static long sequence(Path segment) {
        String name = segment.getName();
        return Long.parseLong(name.substring(COMPACTED_PREFIX.length(), name.length() - COMPACTED_SUFFIX.length()));
    }

    private List<TrialRecord> readSegment(Path segment) throws IOException {
        List<TrialRecord> records = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(files.open(segment), StandardCharsets.UTF_8))) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (!line.isBlank()) {
                    records.add(TrialRecord.fromJson(line.getBytes(StandardCharsets.UTF_8), segment + ":" + number));
                }
            }
        }
        return records;
    }

    /** Which of two records of one trial to keep: a DONE one, else the newer (the second). */
    static TrialRecord newer(TrialRecord older, TrialRecord newer) {
        return older.status() == TrialStatus.DONE && newer.status() != TrialStatus.DONE ? older : newer;
    }
}
