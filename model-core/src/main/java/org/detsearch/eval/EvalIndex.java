package org.detsearch.eval;

import org.detsearch.coco.CocoCategory;
import org.detsearch.coco.CocoDataset;
import org.detsearch.coco.CocoImage;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The images and categories an evaluation covers, in pycocotools' order: ascending image ids and ascending
 * category ids of the ground truth. Every image and category is known by its position in these lists.
 */
public final class EvalIndex implements Serializable {
    private final long[] imageIds;
    private final int[] categoryIds;
    private final Map<Long, Integer> imagePositions;

    public EvalIndex(long[] imageIds, int[] categoryIds) {
        this.imageIds = imageIds.clone();
        this.categoryIds = categoryIds.clone();
        Arrays.sort(this.imageIds);
        Arrays.sort(this.categoryIds);
        this.imagePositions = new HashMap<>(imageIds.length * 2);
        for (int i = 0; i < this.imageIds.length; i++) {
            imagePositions.put(this.imageIds[i], i);
        }
    }

    public static EvalIndex of(CocoDataset gt) {
        return new EvalIndex(gt.images().stream().mapToLong(CocoImage::id).toArray(),
                gt.categories().stream().mapToInt(CocoCategory::id).toArray());
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
