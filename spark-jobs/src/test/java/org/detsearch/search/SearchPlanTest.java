package org.detsearch.search;

import org.deeplearning4j.spark.impl.common.SplitPartitionsFunction;
import org.detsearch.nats.Phase;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SearchPlanTest {
    private static final long[] A = LongStream.rangeClosed(1, 103).toArray();
    private static final long[] B = LongStream.rangeClosed(1001, 1017).toArray();

    private static SearchPlan plan(int workers, int batch, int frequency, boolean frozen, int epoch) {
        int steps = SearchPlan.weightSteps(A.length, workers, batch, frequency);
        return SearchPlan.of(A, B, id -> org.detsearch.train.EpochOrder.key(7, epoch, id), id -> org.detsearch.train.EpochOrder.key(8, epoch, id),
                workers, batch, frequency, steps, frozen);
    }

    /** What each worker fits in each averaging round: its minibatches through DL4J's own split function. */
    private static List<List<List<Integer>>> roundsAsDl4jSplitsThem(SearchPlan plan, long seed) throws Exception {
        int rounds = plan.minibatchesPerWorker() / plan.averagingFrequency();
        List<List<List<Integer>>> perWorker = new ArrayList<>();
        for (int w = 0; w < plan.workers(); w++) {
            List<List<Integer>> fitted = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                List<Integer> minibatches = new ArrayList<>();
                for (int k = 0; k < plan.minibatchesPerWorker(); k++) {
                    minibatches.add(k);
                }
                Iterator<Integer> split = new SplitPartitionsFunction<Integer>(round, rounds, seed).call(w, minibatches.iterator());
                List<Integer> taken = new ArrayList<>();
                split.forEachRemaining(taken::add);
                fitted.add(taken);
            }
            perWorker.add(fitted);
        }
        return perWorker;
    }

    @Test
    void everyRoundAlternatesWeightAndArchitectureStepsWhateverMinibatchesDl4jDraws() throws Exception {
        SearchPlan plan = plan(3, 2, 4, false, 5);
        assertEquals(16, plan.weightSteps(), "103 images / (3 workers x 2) = 17 steps, rounded down to rounds of 4");
        for (long seed : new long[] {1, 42, 12345}) {
            for (List<List<Integer>> worker : roundsAsDl4jSplitsThem(plan, seed)) {
                assertEquals(plan.minibatchesPerWorker() / 4, worker.size());
                for (List<Integer> round : worker) {
                    assertEquals(4, round.size());
                    for (int i = 0; i < round.size(); i++) {
                        assertEquals(i % 2 == 0 ? Phase.WEIGHTS : Phase.ARCHITECTURE, plan.phaseOf(round.get(i)),
                                "round " + round + ": step " + i);
                    }
                }
            }
        }
    }

    @Test
    void eachImageOfSplitAIsFittedOnceAndSplitBCycles() {
        SearchPlan plan = plan(3, 2, 4, false, 0);
        Set<Long> seenA = new HashSet<>();
        Map<Long, Integer> timesB = new HashMap<>();
        for (int w = 0; w < 3; w++) {
            for (int p = 0; p < plan.slots()[w].length; p++) {
                long id = plan.slots()[w][p];
                if (plan.phaseOf(p / 2) == Phase.WEIGHTS) {
                    assertTrue(id <= 103 && seenA.add(id), "A image " + id + " once, at weight steps only");
                } else {
                    assertTrue(id > 1000, "B image at an architecture step");
                    timesB.merge(id, 1, Integer::sum);
                }
            }
        }
        assertEquals(3 * 16 * 2, seenA.size(), "every worker fits 16 weight minibatches of 2");
        assertEquals(17, timesB.size(), "96 B slots cycle through all 17 B images");
        assertTrue(timesB.values().stream().allMatch(n -> n == 5 || n == 6), timesB.toString());
        assertEquals(plan.slotsOf(Phase.WEIGHTS).size() + plan.slotsOf(Phase.ARCHITECTURE).size(), 3 * plan.slots()[0].length);
    }

    @Test
    void frozenEpochsAreWeightStepsOnlyAndEachEpochDrawsOtherImages() {
        SearchPlan frozen = plan(2, 4, 2, true, 0);
        assertEquals(frozen.weightSteps(), frozen.minibatchesPerWorker());
        assertTrue(frozen.slotsOf(Phase.ARCHITECTURE).isEmpty());
        SearchPlan next = plan(2, 4, 2, true, 1);
        assertTrue(!java.util.Arrays.equals(frozen.slots()[0], next.slots()[0]), "another order in another epoch");
    }

    @Test
    void roundsMustAlternateEvenlyAndFit() {
        IllegalArgumentException odd = assertThrows(IllegalArgumentException.class, () -> SearchPlan.weightSteps(100, 2, 2, 3));
        assertTrue(odd.getMessage().contains("must be even"), odd.getMessage());
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class, () -> SearchPlan.weightSteps(7, 2, 2, 2));
        assertTrue(few.getMessage().contains("7 images in split A"), few.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SearchPlan.of(A, new long[0], id -> id, id -> id, 1, 1, 2, 2, false));
    }
}
