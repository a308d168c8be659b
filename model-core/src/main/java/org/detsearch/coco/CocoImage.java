package org.detsearch.coco;

import java.util.Objects;

/** One entry of a COCO file's {@code images} list. */
public record CocoImage(long id, String fileName, int width, int height) {
    public CocoImage {
        Objects.requireNonNull(fileName, "fileName");
    }
}
