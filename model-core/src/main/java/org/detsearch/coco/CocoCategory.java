package org.detsearch.coco;

import java.util.Objects;

/** One entry of a COCO file's {@code categories} list; ids are COCO's own (1..90, with gaps). */
public record CocoCategory(int id, String name, String supercategory) implements java.io.Serializable {
    public CocoCategory {
        Objects.requireNonNull(name, "name");
        supercategory = supercategory == null ? "" : supercategory;
    }
}
