package org.detsearch.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits images into shards of about {@code targetBytes} of encoded image data each. Sizes come from the file
 * listing, so planning reads no image. Images stay in id order, so a shard is a contiguous id range and the
 * same input always gives the same shards. With downscaling the real shards come out smaller than planned.
 */
public final class ShardPlanner {
    private final long targetBytes;

    public ShardPlanner(long targetBytes) {
        if (targetBytes <= 0) {
            throw new IllegalArgumentException("target shard size must be positive, got " + targetBytes);
        }
        this.targetBytes = targetBytes;
    }

    public List<ShardPlan> plan(List<ImageTask> tasks) {
        List<ImageTask> sorted = new ArrayList<>(tasks);
        sorted.sort(Comparator.comparingLong(t -> t.annotations().imageId()));
        long total = sorted.stream().mapToLong(ImageTask::fileBytes).sum();
        int shardCount = (int) Math.max(1, Math.min(sorted.size(), (total + targetBytes - 1) / targetBytes));
        // Cut at even fractions of the total so shards come out equal in bytes rather than all full but the last.
        double perShard = (double) total / shardCount;
        List<ShardPlan> shards = new ArrayList<>(shardCount);
        List<ImageTask> current = new ArrayList<>();
        long cumulative = 0;
        for (ImageTask task : sorted) {
            current.add(task);
            cumulative += task.fileBytes();
            boolean lastShard = shards.size() == shardCount - 1;
            if (!lastShard && cumulative >= perShard * (shards.size() + 1)) {
                shards.add(new ShardPlan(shards.size(), current));
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(new ShardPlan(shards.size(), current));
        }
        return shards;
    }
}
