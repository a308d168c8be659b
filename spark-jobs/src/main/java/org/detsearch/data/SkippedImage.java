package org.detsearch.data;

import java.io.Serializable;

/** An image left out of the shards, with the kind of problem (e.g. "missing-image") and a readable detail. */
public record SkippedImage(long imageId, String fileName, String kind, String detail) implements Serializable {
    public static final String MISSING = "missing-image";
    public static final String UNDECODABLE = "undecodable-image";
    public static final String SIZE_MISMATCH = "size-mismatch";
}
