package org.detsearch.scaling;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything that decides a trial's result, in canonical form: the model family and its complete architecture
 * (every axis, swept or not), the seed, the data subset (fraction of the training set), and the settings shared by
 * the sweep's trials (datasets, proxy-training budget, optimiser, augmentation, evaluation, latency measurement,
 * dry run). Its {@link #id()} is the SHA-256 of the canonical JSON and {@link #RESULT_FORMAT_VERSION}, so the same
 * trial in two sweeps, or planned twice by one (a grid point and a compound point that coincide), has one id and
 * one result, and a new record format never reuses old results.
 *
 * @param dataSubset fraction of the training images, in (0, 1]
 */
public record TrialConfig(String family, SortedMap<String, Object> architecture, long seed, double dataSubset,
                          SortedMap<String, Object> settings) {
    /** Version of the trial record format; part of every id. */
    public static final int RESULT_FORMAT_VERSION = 1;
    /** Hex digits of the id: 128 bits, far beyond any sweep's collision risk. */
    private static final int ID_HEX_DIGITS = 32;

    @SuppressWarnings("unchecked")
    public TrialConfig {
        if (family == null || family.isBlank()) {
            throw new IllegalArgumentException("a trial needs a model family");
        }
        if (!(dataSubset > 0 && dataSubset <= 1)) {
            throw new IllegalArgumentException("a data subset is a fraction in (0, 1] of the training images, got " + dataSubset);
        }
        architecture = (SortedMap<String, Object>) CanonicalJson.normalise(architecture);
        settings = (SortedMap<String, Object>) CanonicalJson.normalise(settings);
    }

    /** The canonical JSON: what the id hashes and what a record stores as the trial's config. */
    public String canonicalJson() {
        return CanonicalJson.write(toMap());
    }

    public Map<String, Object> toMap() {
        SortedMap<String, Object> map = new TreeMap<>();
        map.put("family", family);
        map.put("architecture", architecture);
        map.put("seed", seed);
        map.put("data-subset", dataSubset);
        map.put("settings", settings);
        return map;
    }

    /** The content address: hex SHA-256 of the format version and the canonical JSON, first 128 bits. */
    public String id() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("detsearch-trial-v" + RESULT_FORMAT_VERSION + "\n").getBytes(StandardCharsets.UTF_8));
            byte[] digest = sha.digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, ID_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Reads the canonical JSON (or any JSON of the same shape) back. */
    @SuppressWarnings("unchecked")
    public static TrialConfig parse(String json) {
        Object parsed = CanonicalJson.parse(json);
        if (!(parsed instanceof Map<?, ?> map) || !(map.get("family") instanceof String family)
                || !(map.get("architecture") instanceof SortedMap<?, ?> architecture)
                || !(map.get("seed") instanceof Long seed) || !(map.get("data-subset") instanceof Number subset)
                || !(map.get("settings") instanceof SortedMap<?, ?> settings)) {
            throw new IllegalArgumentException("not a trial config (family, architecture, seed, data-subset, settings): " + json);
        }
        return new TrialConfig(family, (SortedMap<String, Object>) architecture, seed, subset.doubleValue(),
                (SortedMap<String, Object>) settings);
    }
}
