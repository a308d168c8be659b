package org.detsearch.data;

import java.io.Serializable;
import java.util.List;

/** The images one shard (one Spark task, one Parquet file) will hold, in image-id order. */
public record ShardPlan(int index, List<ImageTask> images) implements Serializable {
    public ShardPlan {
        images = List.copyOf(images);
    }

    public long inputBytes() {
        return images.stream().mapToLong(ImageTask::fileBytes).sum();
    }
}
