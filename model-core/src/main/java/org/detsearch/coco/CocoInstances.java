package org.detsearch.coco;

import java.util.List;

/**
 * The content of a COCO instances file as read, before validation: it may still hold duplicate ids, annotations
 * of unknown images or categories and boxes outside their image. {@link CocoValidator} turns it into a
 * {@link CocoDataset} and says what it had to drop or change.
 */
public record CocoInstances(List<CocoImage> images, List<CocoAnnotation> annotations, List<CocoCategory> categories) {
    public CocoInstances {
        images = List.copyOf(images);
        annotations = List.copyOf(annotations);
        categories = List.copyOf(categories);
    }
}
