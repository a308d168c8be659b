package org.detsearch.coco;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory COCO instances dataset: images, annotations and categories as read (or generated), plus the
 * indexes detection needs. Immutable; validation happens before construction (see {@code CocoValidator}).
 */
public final class CocoDataset {
    private final List<CocoImage> images;
    private final List<CocoAnnotation> annotations;
    private final List<CocoCategory> categories;
    private final Map<Long, CocoImage> imagesById;
    private final Map<Long, List<CocoAnnotation>> annotationsByImage;
    private final LabelMap labelMap;

    public CocoDataset(List<CocoImage> images, List<CocoAnnotation> annotations, List<CocoCategory> categories) {
        this.images = List.copyOf(images);
        this.annotations = List.copyOf(annotations);
        this.categories = List.copyOf(categories);
        this.imagesById = new HashMap<>(images.size() * 2);
        for (CocoImage image : images) {
            if (imagesById.put(image.id(), image) != null) {
                throw new IllegalArgumentException("duplicate image id " + image.id());
            }
        }
        Map<Long, List<CocoAnnotation>> byImage = new HashMap<>(images.size() * 2);
        for (CocoAnnotation annotation : annotations) {
            byImage.computeIfAbsent(annotation.imageId(), k -> new ArrayList<>()).add(annotation);
        }
        byImage.replaceAll((k, v) -> Collections.unmodifiableList(v));
        this.annotationsByImage = byImage;
        this.labelMap = new LabelMap(categories);
    }

    public List<CocoImage> images() {
        return images;
    }

    public List<CocoAnnotation> annotations() {
        return annotations;
    }

    public List<CocoCategory> categories() {
        return categories;
    }

    public LabelMap labelMap() {
        return labelMap;
    }

    public CocoImage image(long imageId) {
        return imagesById.get(imageId);
    }

    /** The annotations of one image in file order; empty for an image without any. */
    public List<CocoAnnotation> annotationsOf(long imageId) {
        return annotationsByImage.getOrDefault(imageId, List.of());
    }
}
