package org.detsearch.search;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.detsearch.data.LoadedImage;
import org.detsearch.nats.Phase;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;

/**
 * An epoch's images laid out as a {@link SearchPlan} says: one partition per worker, each holding its images in the
 * planned order. The plan (image ids only) travels from the driver; the images join it where they are (both splits
 * are hash-partitioned once, so only the small plan moves for the join) and then move to their worker's partition,
 * sorted by position: one shuffle of the compressed images per epoch, as the plain training's epoch order has.
 */
final class PlannedImages {
    private PlannedImages() {
    }

    static JavaRDD<LoadedImage> ordered(JavaSparkContext jsc, SearchPlan plan, JavaPairRDD<Long, LoadedImage> splitA,
                                        JavaPairRDD<Long, LoadedImage> splitB) {
        long perWorker = plan.slots()[0].length;
        JavaPairRDD<Long, LoadedImage> bySlot = placed(jsc, plan.slotsOf(Phase.WEIGHTS), perWorker, splitA);
        if (!plan.frozen()) {
            bySlot = bySlot.union(placed(jsc, plan.slotsOf(Phase.ARCHITECTURE), perWorker, splitB));
        }
        return bySlot.repartitionAndSortWithinPartitions(new WorkerPartitioner(plan.workers(), perWorker)).values();
    }

    /** (slot key = worker x positions per worker + position, image) for every slot of one split. */
    private static JavaPairRDD<Long, LoadedImage> placed(JavaSparkContext jsc, List<long[]> slots, long perWorker,
                                                         JavaPairRDD<Long, LoadedImage> images) {
        List<Tuple2<Long, Long>> byImage = new ArrayList<>(slots.size());
        for (long[] slot : slots) {
            byImage.add(new Tuple2<>(slot[2], slot[0] * perWorker + slot[1]));
        }
        JavaPairRDD<Long, Long> wanted = jsc.parallelizePairs(byImage, Math.max(1, images.getNumPartitions()));
        return wanted.join(images).mapToPair(t -> new Tuple2<>(t._2()._1(), t._2()._2()));
    }

    /** Slot keys to the worker whose positions they are. */
    static final class WorkerPartitioner extends Partitioner {
        private final int workers;
        private final long perWorker;

        WorkerPartitioner(int workers, long perWorker) {
            this.workers = workers;
            this.perWorker = perWorker;
        }

        @Override
        public int numPartitions() {
            return workers;
        }

        @Override
        public int getPartition(Object key) {
            return (int) ((Long) key / perWorker);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WorkerPartitioner p && p.workers == workers && p.perWorker == perWorker;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(workers * 31L + perWorker);
        }
    }
}
