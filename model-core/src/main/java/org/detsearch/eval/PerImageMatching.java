package org.detsearch.eval;

import org.detsearch.coco.CocoAnnotation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Groups ground truth and detections by (category, image) and matches each group ({@link Matcher}). Works on any
 * subset of images, so Spark executors can each match their share; the results merge in {@link Accumulator}.
 * Within a group, ground truth keeps file order and detections are sorted by descending score with ties in file
 * order (numpy's stable mergesort), then cut to the largest maxDets.
 */
public final class PerImageMatching {
    private final EvalParams params;
    private final EvalIndex index;

    public PerImageMatching(EvalParams params, EvalIndex index) {
        this.params = params;
        this.index = index;
    }

    /**
     * @param annotations ground truth of the images to match, in file order
     * @param detections  detections of the same images, in results-file order; their images must be in the index
     *                    and detections of categories outside it are left out (pycocotools filters them by catIds)
     */
    public List<ImageCategoryEval> match(List<CocoAnnotation> annotations, DetectionTable detections) {
        long images = index.images();
        // Ground truth sorted by (category, image) then file order: sorting (key << 32 | position) is stable.
        long[] gtKeys = new long[annotations.size()];
        int kept = 0;
        for (int i = 0; i < annotations.size(); i++) {
            CocoAnnotation a = annotations.get(i);
            int category = index.categoryIndex(a.categoryId());
            int image = index.imageIndex(a.imageId());
            if (category >= 0 && image >= 0) {
                gtKeys[kept++] = ((category * images + image) << 32) | i;
            }
        }
        gtKeys = Arrays.copyOf(gtKeys, kept);
        Arrays.sort(gtKeys);
        double[] gtBoxes = new double[4 * kept];
        double[] gtAreas = new double[kept];
        boolean[] gtCrowd = new boolean[kept];
        long[] gtIds = new long[kept];
        long[] gtGroup = new long[kept];
        for (int k = 0; k < kept; k++) {
            CocoAnnotation a = annotations.get((int) (gtKeys[k] & 0xffffffffL));
            gtGroup[k] = gtKeys[k] >>> 32;
            gtBoxes[4 * k] = a.bbox().x();
            gtBoxes[4 * k + 1] = a.bbox().y();
            gtBoxes[4 * k + 2] = a.bbox().width();
            gtBoxes[4 * k + 3] = a.bbox().height();
            gtAreas[k] = a.area();
            gtCrowd[k] = a.crowd();
            gtIds[k] = a.id();
        }

        int n = detections.size();
        long[] dtGroupOf = new long[n];
        int[] order = new int[n];
        int dtKept = 0;
        for (int i = 0; i < n; i++) {
            int image = index.imageIndex(detections.imageIds()[i]);
            if (image < 0) {
                throw new IllegalArgumentException("detection " + i + " is on image " + detections.imageIds()[i]
                        + ", which is not in the ground truth");
            }
            int category = index.categoryIndex(detections.categoryIds()[i]);
            if (category >= 0) {
                dtGroupOf[i] = category * images + image;
                order[dtKept++] = i;
            }
        }
        order = Arrays.copyOf(order, dtKept);
        double[] scores = detections.scores();
        StableSort.sort(order, (a, b) -> {
            int byGroup = Long.compare(dtGroupOf[a], dtGroupOf[b]);
            return byGroup != 0 ? byGroup : StableSort.descending(scores[a], scores[b]);
        });
        double[] dtBoxes = new double[4 * dtKept];
        double[] dtScores = new double[dtKept];
        long[] dtGroup = new long[dtKept];
        for (int k = 0; k < dtKept; k++) {
            int i = order[k];
            System.arraycopy(detections.boxes(), 4 * i, dtBoxes, 4 * k, 4);
            dtScores[k] = scores[i];
            dtGroup[k] = dtGroupOf[i];
        }

        // Walk both sorted lists once to find every (category, image) with ground truth or detections.
        List<int[]> groups = new ArrayList<>();
        int g = 0;
        int d = 0;
        int maxDet = params.largestMaxDet();
        while (g < kept || d < dtKept) {
            long group = Math.min(g < kept ? gtGroup[g] : Long.MAX_VALUE, d < dtKept ? dtGroup[d] : Long.MAX_VALUE);
            int gStart = g;
            while (g < kept && gtGroup[g] == group) {
                g++;
            }
            int dStart = d;
            while (d < dtKept && dtGroup[d] == group) {
                d++;
            }
            groups.add(new int[] {(int) (group / images), (int) (group % images), gStart, g - gStart, dStart, Math.min(d - dStart, maxDet)});
        }
        Matcher matcher = new Matcher(params);
        return IntStream.range(0, groups.size()).parallel().mapToObj(i -> {
            int[] group = groups.get(i);
            return matcher.match(group[0], group[1],
                    new GroundTruthBoxes(gtBoxes, gtAreas, gtCrowd, gtIds, group[2], group[3]),
                    new DetectionBoxes(dtBoxes, dtScores, group[4], group[5]));
        }).toList();
    }
}
