package org.detsearch.eval;

import org.detsearch.coco.CocoAnnotation;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * COCO bbox evaluation, identical to pycocotools' COCOeval ({@code iouType='bbox'}) to 1e-9:
 * {@link PerImageMatching} ({@code evaluate}), {@link Accumulator} ({@code accumulate}) and the summary here
 * ({@code summarize}: means over every value that is not -1).
 * The ground truth is taken as pycocotools indexes it ({@link EvalGroundTruth}). Detections on images the ground
 * truth does not have are an error (pycocotools asserts); detections of categories the ground truth does not list
 * are left out; an empty results list gives AP 0 where there is ground truth (-1 elsewhere), as pycocotools reports.
 */
public final class CocoEvaluator {
    private final EvalParams params;

    public CocoEvaluator(EvalParams params) {
        this.params = params;
    }

    public CocoEvaluator() {
        this(EvalParams.COCO);
    }

    public CocoMetrics evaluate(EvalGroundTruth gt, DetectionTable detections, boolean perClass) {
        List<ImageCategoryEval> matches = new PerImageMatching(params, gt.index()).match(gt.annotations(), detections);
        return summarise(gt, matches, perClass ? detections : null);
    }

    /**
     * The summary from per-image matches computed anywhere (e.g. on executors).
     *
     * @param detections only for the per-class detection counts; null to skip per-class numbers
     */
    public CocoMetrics summarise(EvalGroundTruth gt, Collection<ImageCategoryEval> matches, DetectionTable detections) {
        EvalIndex index = gt.index();
        Accumulator.Curves curves = new Accumulator(params, index.categories()).accumulate(matches);
        int all = params.areaIndex("all");
        int top = params.maxDetIndex(100);
        int iou50 = params.iouIndex(0.5);
        int iou75 = params.iouIndex(0.75);
        Map<String, Double> summary = new LinkedHashMap<>();
        summary.put("AP", meanPrecision(curves, -1, -1, all, top));
        // pycocotools looks the thresholds up by equality; with parameters lacking one the number is -1
        summary.put("AP50", iou50 < 0 ? -1 : meanPrecision(curves, iou50, -1, all, top));
        summary.put("AP75", iou75 < 0 ? -1 : meanPrecision(curves, iou75, -1, all, top));
        summary.put("APs", meanPrecision(curves, -1, -1, params.areaIndex("small"), top));
        summary.put("APm", meanPrecision(curves, -1, -1, params.areaIndex("medium"), top));
        summary.put("APl", meanPrecision(curves, -1, -1, params.areaIndex("large"), top));
        summary.put("AR1", meanRecall(curves, -1, all, params.maxDetIndex(1)));
        summary.put("AR10", meanRecall(curves, -1, all, params.maxDetIndex(10)));
        summary.put("AR100", meanRecall(curves, -1, all, top));
        summary.put("ARs", meanRecall(curves, -1, params.areaIndex("small"), top));
        summary.put("ARm", meanRecall(curves, -1, params.areaIndex("medium"), top));
        summary.put("ARl", meanRecall(curves, -1, params.areaIndex("large"), top));
        return new CocoMetrics(summary, detections == null ? null : perClass(gt, curves, detections));
    }

    private Map<Integer, CocoMetrics.ClassMetrics> perClass(EvalGroundTruth gt, Accumulator.Curves c, DetectionTable detections) {
        EvalIndex index = gt.index();
        int k = index.categories();
        long[] numGt = new long[k];
        long[] numGtNonCrowd = new long[k];
        long[] numDets = new long[k];
        for (CocoAnnotation a : gt.annotations()) {
            int ki = index.categoryIndex(a.categoryId());
            if (ki >= 0 && index.imageIndex(a.imageId()) >= 0) {
                numGt[ki]++;
                numGtNonCrowd[ki] += a.crowd() ? 0 : 1;
            }
        }
        for (int i = 0; i < detections.size(); i++) {
            int ki = index.categoryIndex(detections.categoryIds()[i]);
            if (ki >= 0) {
                numDets[ki]++;
            }
        }
        int all = params.areaIndex("all");
        int top = params.maxDetIndex(100);
        Map<Integer, CocoMetrics.ClassMetrics> result = new LinkedHashMap<>();
        for (int ki = 0; ki < k; ki++) {
            double[] perIou = new double[c.t()];
            for (int ti = 0; ti < c.t(); ti++) {
                perIou[ti] = mean(c, ti, ki, all, top, true);
            }
            int categoryId = index.categoryId(ki);
            result.put(categoryId, new CocoMetrics.ClassMetrics(gt.categoryName(categoryId),
                    mean(c, -1, ki, all, top, true), atIou(c, params.iouIndex(0.5), ki, all, top),
                    atIou(c, params.iouIndex(0.75), ki, all, top),
                    mean(c, -1, ki, params.areaIndex("small"), top, true), mean(c, -1, ki, params.areaIndex("medium"), top, true),
                    mean(c, -1, ki, params.areaIndex("large"), top, true), mean(c, -1, ki, all, top, false),
                    perIou, numGt[ki], numGtNonCrowd[ki], numDets[ki]));
        }
        return result;
    }

    private static double atIou(Accumulator.Curves c, int iou, int category, int area, int maxDet) {
        return iou < 0 ? -1 : mean(c, iou, category, area, maxDet, true);
    }

    private static double meanPrecision(Accumulator.Curves c, int iou, int category, int area, int maxDet) {
        return mean(c, iou, category, area, maxDet, true);
    }

    private static double meanRecall(Accumulator.Curves c, int iou, int area, int maxDet) {
        return mean(c, iou, -1, area, maxDet, false);
    }

    /** Mean of the precision (or recall) values > -1 at the given indices; -1 selects all; -1 when none. */
    private static double mean(Accumulator.Curves c, int iou, int category, int area, int maxDet, boolean precision) {
        double sum = 0;
        long count = 0;
        for (int ti = 0; ti < c.t(); ti++) {
            if (iou >= 0 && ti != iou) {
                continue;
            }
            for (int ki = 0; ki < c.k(); ki++) {
                if (category >= 0 && ki != category) {
                    continue;
                }
                int points = precision ? c.r() : 1;
                for (int ri = 0; ri < points; ri++) {
                    double v = precision ? c.precision(ti, ri, ki, area, maxDet) : c.recall(ti, ki, area, maxDet);
                    if (v > -1) {
                        sum += v;
                        count++;
                    }
                }
            }
        }
        return count == 0 ? -1 : sum / count;
    }
}
