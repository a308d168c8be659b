package org.detsearch.data;

import org.detsearch.coco.ImageAnnotations;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardPlannerTest {
    private static ImageTask image(long id, long bytes) {
        ImageAnnotations gt = new ImageAnnotations(id, id + ".jpg", 10, 10, new float[0], new int[0], new int[0], new boolean[0]);
        return new ImageTask("/images/" + id + ".jpg", bytes, gt);
    }

    @Test
    void splitsIntoShardsOfAboutTheTargetSizeInIdOrder() {
        List<ImageTask> tasks = new ArrayList<>();
        for (long id = 100; id > 0; id--) {
            tasks.add(image(id, 1000));
        }
        List<ShardPlan> shards = new ShardPlanner(10_000).plan(tasks);
        assertEquals(10, shards.size());
        long expectedId = 1;
        for (ShardPlan shard : shards) {
            assertEquals(10_000, shard.inputBytes());
            for (ImageTask t : shard.images()) {
                assertEquals(expectedId++, t.annotations().imageId(), "shards are contiguous id ranges");
            }
        }
    }

    @Test
    void unevenSizesGiveShardsOfSimilarBytesAndKeepEveryImage() {
        List<ImageTask> tasks = new ArrayList<>();
        java.util.Random random = new java.util.Random(3);
        long total = 0;
        for (long id = 1; id <= 500; id++) {
            long size = 1000 + random.nextInt(200_000);
            total += size;
            tasks.add(image(id, size));
        }
        List<ShardPlan> shards = new ShardPlanner(5_000_000).plan(tasks);
        assertEquals((total + 4_999_999) / 5_000_000, shards.size());
        assertEquals(500, shards.stream().mapToInt(s -> s.images().size()).sum());
        double mean = (double) total / shards.size();
        for (ShardPlan shard : shards) {
            assertTrue(Math.abs(shard.inputBytes() - mean) < 200_000 + 1, "shard " + shard.index() + " has " + shard.inputBytes());
        }
    }

    @Test
    void neverMoreShardsThanImagesAndOneShardForNothing() {
        assertEquals(2, new ShardPlanner(1).plan(List.of(image(1, 50), image(2, 50))).size());
        List<ShardPlan> empty = new ShardPlanner(100).plan(List.of());
        assertEquals(1, empty.size());
        assertTrue(empty.get(0).images().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new ShardPlanner(0));
    }
}
