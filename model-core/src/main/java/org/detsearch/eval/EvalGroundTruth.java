package org.detsearch.eval;

import org.detsearch.coco.CocoAnnotation;
import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.CocoImage;
import org.detsearch.coco.CocoInstances;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth as pycocotools' COCOeval sees it, built from an instances file as read (not validated: what
 * pycocotools accepts is accepted here, and gives its numbers):
 * <ul>
 * <li>images and categories are the distinct ids, ascending ({@link EvalIndex}); a category listed twice is named
 *     by its last entry, because pycocotools indexes categories by id;</li>
 * <li>the annotations evaluated are those on listed images with listed categories, by ascending image id and then
 *     file order (pycocotools' {@code getAnnIds} over the sorted image ids). pycocotools then looks each one up by
 *     its id in a dict where the last annotation with that id has overwritten the others ({@code loadAnns}), so
 *     when ids repeat, every occurrence is evaluated as that last annotation, on its image and category.</li>
 * </ul>
 */
public final class EvalGroundTruth {
    private final EvalIndex index;
    private final List<CocoAnnotation> annotations;
    private final Map<Integer, String> categoryNames;
    private final int repeatedIds;

    private EvalGroundTruth(EvalIndex index, List<CocoAnnotation> annotations, Map<Integer, String> categoryNames,
                            int repeatedIds) {
        this.index = index;
        this.annotations = annotations;
        this.categoryNames = categoryNames;
        this.repeatedIds = repeatedIds;
    }

    public static EvalGroundTruth of(CocoInstances gt) {
        EvalIndex index = new EvalIndex(gt.images().stream().mapToLong(CocoImage::id).toArray(),
                gt.categories().stream().mapToInt(CocoCategory::id).toArray());
        Map<Integer, String> names = new HashMap<>();
        for (CocoCategory category : gt.categories()) {
            names.put(category.id(), category.name());
        }
        List<CocoAnnotation> all = gt.annotations();
        Map<Long, CocoAnnotation> lastWithId = new HashMap<>(all.size() * 2);
        for (CocoAnnotation a : all) {
            lastWithId.put(a.id(), a);
        }
        // (image position << 32 | file position) sorts by image, then file order.
        long[] keys = new long[all.size()];
        int kept = 0;
        for (int i = 0; i < all.size(); i++) {
            CocoAnnotation a = all.get(i);
            int image = index.imageIndex(a.imageId());
            if (image >= 0 && index.categoryIndex(a.categoryId()) >= 0) {
                keys[kept++] = ((long) image << 32) | i;
            }
        }
        keys = Arrays.copyOf(keys, kept);
        Arrays.sort(keys);
        List<CocoAnnotation> evaluated = new ArrayList<>(kept);
        for (long key : keys) {
            evaluated.add(lastWithId.get(all.get((int) key).id()));
        }
        return new EvalGroundTruth(index, List.copyOf(evaluated), names, all.size() - lastWithId.size());
    }

    public EvalIndex index() {
        return index;
    }

    /** The annotations pycocotools evaluates, in its order (see the class comment); the same one may repeat. */
    public List<CocoAnnotation> annotations() {
        return annotations;
    }

    public String categoryName(int categoryId) {
        return categoryNames.get(categoryId);
    }

    /** How many annotations of the file share their id with a later one (and are evaluated as that one). */
    public int repeatedIds() {
        return repeatedIds;
    }
}
