package org.detsearch.eval;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The images and categories an evaluation covers, in pycocotools' order: ascending, distinct image ids and
 * category ids of the ground truth (COCOeval applies {@code np.unique} to both, so an id listed twice counts once).
 * Every image and category is known by its position in these lists.
 */
public final class EvalIndex implements Serializable {
    private final long[] imageIds;
    private final int[] categoryIds;
    private final Map<Long, Integer> imagePositions;

    public EvalIndex(long[] imageIds, int[] categoryIds) {
        this.imageIds = Arrays.stream(imageIds).distinct().sorted().toArray();
        this.categoryIds = Arrays.stream(categoryIds).distinct().sorted().toArray();
        this.imagePositions = new HashMap<>(this.imageIds.length * 2);
        for (int i = 0; i < this.imageIds.length; i++) {
            imagePositions.put(this.imageIds[i], i);
        }
    }

    public int images() {
        return imageIds.length;
    }

    public int categories() {
        return categoryIds.length;
    }

    /** Position of an image id, or -1 when the ground truth has no such image. */
    public int imageIndex(long imageId) {
        Integer position = imagePositions.get(imageId);
        return position == null ? -1 : position;
    }

    /** Position of a category id, or -1 when the ground truth has no such category. */
    public int categoryIndex(int categoryId) {
        int position = Arrays.binarySearch(categoryIds, categoryId);
        return position < 0 ? -1 : position;
    }

    public long imageId(int index) {
        return imageIds[index];
    }

    public int categoryId(int index) {
        return categoryIds[index];
    }
}
