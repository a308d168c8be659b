package org.detsearch.search;

import org.detsearch.nats.Phase;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which image each worker fits where in one epoch of the NATS search, planned on the driver from image ids alone.
 * <p>
 * The bi-level schedule reads the phase of a step from the iteration count (weights during the frozen epochs, then
 * weights and architecture alternating), so each worker's minibatches must come in exactly that order from the right
 * split. DL4J's parameter averaging cuts an epoch's minibatches into rounds of {@code averagingFrequency} per worker
 * by taking, from every run of {@code rounds} consecutive minibatches of a partition, one at random for each round
 * ({@code SplitPartitionsFunction}). The plan therefore lays each worker's minibatches out in runs of one split: in a
 * search epoch run 0 holds split A (weights), run 1 split B (architecture), run 2 split A, ... so that every round,
 * whichever minibatch of a run it draws, fits A, B, A, B, ... starting on a weight step. Every worker gets exactly
 * {@code weightSteps} A minibatches (a slice of the epoch's shuffled A images; the rest wait for another epoch) and
 * as many B minibatches (the epoch's shuffled B images, cycled when B is smaller).
 *
 * @param slots {@code [worker][position]}: the image id fitted at that position (minibatch {@code position / batch})
 */
public record SearchPlan(int workers, int batch, int averagingFrequency, int weightSteps, boolean frozen, long[][] slots) {
    /** Keys that order the images of an epoch (e.g. {@code EpochOrder.key}): a different permutation each epoch. */
    @FunctionalInterface
    public interface Order {
        long key(long imageId);
    }

    /**
     * Weight steps of every epoch: the A images over workers x batch, rounded down to whole averaging rounds.
     *
     * @throws IllegalArgumentException when A cannot fill one round
     */
    public static int weightSteps(long imagesA, int workers, int batch, int averagingFrequency) {
        if (averagingFrequency < 2 || averagingFrequency % 2 != 0) {
            throw new IllegalArgumentException("the search alternates weight and architecture steps inside each averaging "
                    + "round: the averaging frequency must be even, got " + averagingFrequency);
        }
        long steps = imagesA / ((long) workers * batch) / averagingFrequency * averagingFrequency;
        if (steps < averagingFrequency) {
            throw new IllegalArgumentException(imagesA + " images in split A cannot give " + workers + " workers "
                    + averagingFrequency + " minibatches of " + batch + " each per epoch");
        }
        return (int) Math.min(steps, Integer.MAX_VALUE);
    }

    public static SearchPlan of(long[] idsA, long[] idsB, Order orderA, Order orderB, int workers, int batch,
                                int averagingFrequency, int weightSteps, boolean frozen) {
        if (!frozen && idsB.length == 0) {
            throw new IllegalArgumentException("split B (architecture steps) holds no images");
        }
        long[] a = ordered(idsA, orderA);
        long[] b = frozen ? new long[0] : ordered(idsB, orderB);
        int minibatches = frozen ? weightSteps : 2 * weightSteps;
        int run = minibatches / averagingFrequency; // DL4J's rounds per epoch: minibatches taken one per run
        long[][] slots = new long[workers][minibatches * batch];
        for (int w = 0; w < workers; w++) {
            int nextA = w * weightSteps * batch;
            long nextB = (long) w * weightSteps * batch;
            for (int k = 0; k < minibatches; k++) {
                boolean weights = frozen || (k / run) % 2 == 0;
                for (int i = 0; i < batch; i++) {
                    slots[w][k * batch + i] = weights ? a[nextA++] : b[(int) (nextB++ % b.length)];
                }
            }
        }
        return new SearchPlan(workers, batch, averagingFrequency, weightSteps, frozen, slots);
    }

    private static long[] ordered(long[] ids, Order order) {
        Long[] boxed = Arrays.stream(ids).boxed().toArray(Long[]::new);
        Arrays.sort(boxed, Comparator.comparingLong(order::key));
        return Arrays.stream(boxed).mapToLong(Long::longValue).toArray();
    }

    /** Minibatches each worker fits this epoch. */
    public int minibatchesPerWorker() {
        return frozen ? weightSteps : 2 * weightSteps;
    }

    /** The split minibatch {@code k} of every worker comes from. */
    public Phase phaseOf(int minibatch) {
        return frozen || (minibatch / (minibatchesPerWorker() / averagingFrequency)) % 2 == 0 ? Phase.WEIGHTS : Phase.ARCHITECTURE;
    }

    /** Iterations (global steps) this epoch adds. */
    public int iterations() {
        return minibatchesPerWorker();
    }

    /** (worker, position, image id) of every slot of the given split, for joining with the images. */
    public List<long[]> slotsOf(Phase phase) {
        List<long[]> out = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            for (int p = 0; p < slots[w].length; p++) {
                if (phaseOf(p / batch) == phase) {
                    out.add(new long[] {w, p, slots[w][p]});
                }
            }
        }
        return out;
    }
}
