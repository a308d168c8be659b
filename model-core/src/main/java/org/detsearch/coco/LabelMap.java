package org.detsearch.coco;

import java.util.Arrays;
import java.util.List;

/**
 * COCO category ids (non-contiguous, e.g. 1..90 with 10 gaps) to contiguous training labels 0..K-1 and back,
 * in ascending category-id order so that the mapping depends only on the category list.
 */
public final class LabelMap {
    private final int[] categoryIds;

    public LabelMap(List<CocoCategory> categories) {
        this.categoryIds = categories.stream().mapToInt(CocoCategory::id).sorted().toArray();
        for (int i = 1; i < categoryIds.length; i++) {
            if (categoryIds[i] == categoryIds[i - 1]) {
                throw new IllegalArgumentException("duplicate category id " + categoryIds[i]);
            }
        }
    }

    public int numClasses() {
        return categoryIds.length;
    }

    /** The contiguous label of a category id; throws for an id not in the list. */
    public int labelOf(int categoryId) {
        int index = Arrays.binarySearch(categoryIds, categoryId);
        if (index < 0) {
            throw new IllegalArgumentException("unknown category id " + categoryId);
        }
        return index;
    }

    public boolean contains(int categoryId) {
        return Arrays.binarySearch(categoryIds, categoryId) >= 0;
    }

    public int categoryIdOf(int label) {
        if (label < 0 || label >= categoryIds.length) {
            throw new IllegalArgumentException("label " + label + " outside 0.." + (categoryIds.length - 1));
        }
        return categoryIds[label];
    }
}
