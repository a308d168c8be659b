package org.detsearch.coco;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Turns what a COCO file says ({@link CocoInstances}) into a {@link CocoDataset} that detection can trust: unique
 * ids, every annotation on a known image and category, every box finite, non-empty and inside its image. What does
 * not fit is dropped or clipped, and every such item is counted in the {@link ValidationReport}, never lost quietly.
 *
 * <p>Each item is counted once, under the first problem found, in this order: duplicate id, unknown image,
 * unknown category, non-finite box, non-positive box size, box outside the image. Of items sharing an id the first
 * in file order is kept. Clipping changes the box only: {@code area} is the segmentation's, which COCO evaluation
 * uses as it is.
 */
public final class CocoValidator {
    private final ValidationPolicy policy;

    public CocoValidator(ValidationPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public ValidatedDataset validate(CocoInstances input) {
        ValidationReport.Builder report = ValidationReport.builder(policy.examplesPerKind());
        List<CocoCategory> categories = validCategories(input.categories(), report);
        Map<Long, CocoImage> dropped = new HashMap<>();
        Map<Long, CocoImage> images = validImages(input.images(), dropped, report);
        Set<Integer> categoryIds = new HashSet<>();
        categories.forEach(c -> categoryIds.add(c.id()));
        List<CocoAnnotation> annotations = validAnnotations(input.annotations(), images, dropped, categoryIds, report);
        CocoDataset dataset = new CocoDataset(new ArrayList<>(images.values()), annotations, categories);
        return new ValidatedDataset(dataset, report.build());
    }

    private static List<CocoCategory> validCategories(List<CocoCategory> categories, ValidationReport.Builder report) {
        Map<Integer, CocoCategory> byId = new HashMap<>();
        List<CocoCategory> kept = new ArrayList<>();
        for (CocoCategory category : categories) {
            CocoCategory first = byId.putIfAbsent(category.id(), category);
            if (first != null) {
                report.add(ValidationProblem.DUPLICATE_CATEGORY_ID, category.id(),
                        "'" + category.name() + "' repeats the id of '" + first.name() + "'");
            } else {
                kept.add(category);
            }
        }
        return kept;
    }

    /** The usable images by id, in file order; images dropped for their size go to {@code dropped}. */
    private static Map<Long, CocoImage> validImages(List<CocoImage> images, Map<Long, CocoImage> dropped,
                                                    ValidationReport.Builder report) {
        Map<Long, CocoImage> byId = new LinkedHashMap<>(images.size() * 2);
        for (CocoImage image : images) {
            CocoImage first = byId.containsKey(image.id()) ? byId.get(image.id()) : dropped.get(image.id());
            if (first != null) {
                report.add(ValidationProblem.DUPLICATE_IMAGE_ID, image.id(),
                        image.fileName() + " repeats the id of " + first.fileName());
            } else if (image.width() <= 0 || image.height() <= 0) {
                report.add(ValidationProblem.INVALID_IMAGE_SIZE, image.id(),
                        image.fileName() + " has size " + image.width() + "x" + image.height());
                dropped.put(image.id(), image);
            } else {
                byId.put(image.id(), image);
            }
        }
        return byId;
    }

    private List<CocoAnnotation> validAnnotations(List<CocoAnnotation> annotations, Map<Long, CocoImage> images,
                                                  Map<Long, CocoImage> droppedImages, Set<Integer> categoryIds,
                                                  ValidationReport.Builder report) {
        Set<Long> repeatedIds = repeatedIds(annotations);
        Set<Long> seenRepeatedIds = new HashSet<>();
        List<CocoAnnotation> kept = new ArrayList<>(annotations.size());
        for (CocoAnnotation a : annotations) {
            CocoImage image = images.get(a.imageId());
            BBox box = a.bbox();
            if (repeatedIds.contains(a.id()) && !seenRepeatedIds.add(a.id())) {
                report.add(ValidationProblem.DUPLICATE_ANNOTATION_ID, a.id(), "image " + a.imageId());
            } else if (image == null) {
                report.add(ValidationProblem.UNKNOWN_IMAGE_ID, a.id(), droppedImages.containsKey(a.imageId())
                        ? "image " + a.imageId() + " was dropped (invalid-image-size)"
                        : "image " + a.imageId() + " is not in the images");
            } else if (!categoryIds.contains(a.categoryId())) {
                report.add(ValidationProblem.UNKNOWN_CATEGORY_ID, a.id(),
                        "category " + a.categoryId() + " is not in the categories (image " + a.imageId() + ")");
            } else if (!box.isFinite()) {
                report.add(ValidationProblem.NON_FINITE_BOX, a.id(), "bbox " + format(box) + onImage(image));
            } else if (!(box.width() > 0 && box.height() > 0)) {
                report.add(ValidationProblem.NON_POSITIVE_BOX_SIZE, a.id(), "bbox " + format(box) + onImage(image));
            } else if (box.isInside(image.width(), image.height())) {
                kept.add(a);
            } else {
                crossingBorder(a, image, report, kept);
            }
        }
        return kept;
    }

    /** A box that crosses the image border: clipped or rejected per policy; one with nothing inside is dropped. */
    private void crossingBorder(CocoAnnotation a, CocoImage image, ValidationReport.Builder report, List<CocoAnnotation> kept) {
        BBox box = a.bbox();
        BBox clipped = box.clippedTo(image.width(), image.height());
        if (!(clipped.width() > 0 && clipped.height() > 0)) {
            report.add(ValidationProblem.BOX_OUTSIDE_IMAGE, a.id(), "bbox " + format(box) + " lies outside" + onImage(image));
        } else if (policy.partlyOutside() == ValidationPolicy.PartlyOutside.CLIP) {
            report.add(ValidationProblem.BOX_CLIPPED, a.id(),
                    "bbox " + format(box) + " clipped to " + format(clipped) + onImage(image));
            kept.add(a.withBBox(clipped));
        } else {
            report.add(ValidationProblem.BOX_PARTLY_OUTSIDE_REJECTED, a.id(),
                    "bbox " + format(box) + " crosses the border" + onImage(image));
        }
    }

    /**
     * The annotation ids that occur more than once. Found by sorting a copy of the ids rather than with a set of
     * all of them: for train2017's 860k annotations that is 7 MB of longs instead of about 50 MB of boxed entries.
     */
    private static Set<Long> repeatedIds(List<CocoAnnotation> annotations) {
        long[] ids = new long[annotations.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = annotations.get(i).id();
        }
        Arrays.sort(ids);
        Set<Long> repeated = new HashSet<>();
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] == ids[i - 1]) {
                repeated.add(ids[i]);
            }
        }
        return repeated;
    }

    private static String onImage(CocoImage image) {
        return " (" + image.width() + "x" + image.height() + " image " + image.id() + ")";
    }

    /** A box as COCO writes it, [x, y, width, height], with integral values shown without ".0". */
    private static String format(BBox box) {
        return "[" + format(box.x()) + ", " + format(box.y()) + ", " + format(box.width()) + ", " + format(box.height()) + "]";
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
