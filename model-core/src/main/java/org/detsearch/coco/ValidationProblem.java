package org.detsearch.coco;

/**
 * The kinds of problem a {@link ValidationReport} counts. Each names what it happens to (an image, an annotation,
 * a category) and what was done about it, so a report reads as "3 annotations dropped: unknown category id".
 * The keys are stable: they appear in prepare manifests.
 */
public enum ValidationProblem {
    DUPLICATE_IMAGE_ID("duplicate-image-id", Subject.IMAGE, "dropped (the first with the id is kept)"),
    INVALID_IMAGE_SIZE("invalid-image-size", Subject.IMAGE, "dropped"),
    DUPLICATE_CATEGORY_ID("duplicate-category-id", Subject.CATEGORY, "dropped (the first with the id is kept)"),
    DUPLICATE_ANNOTATION_ID("duplicate-annotation-id", Subject.ANNOTATION, "dropped (the first with the id is kept)"),
    UNKNOWN_IMAGE_ID("unknown-image-id", Subject.ANNOTATION, "dropped"),
    UNKNOWN_CATEGORY_ID("unknown-category-id", Subject.ANNOTATION, "dropped"),
    NON_FINITE_BOX("non-finite-box", Subject.ANNOTATION, "dropped"),
    NON_POSITIVE_BOX_SIZE("non-positive-box-size", Subject.ANNOTATION, "dropped"),
    BOX_OUTSIDE_IMAGE("box-outside-image", Subject.ANNOTATION, "dropped"),
    BOX_CLIPPED("box-clipped", Subject.ANNOTATION, "kept with the box clipped to the image"),
    BOX_PARTLY_OUTSIDE_REJECTED("box-partly-outside-rejected", Subject.ANNOTATION, "dropped"),
    /** Found at prepare time, when the image files are read. */
    MISSING_IMAGE("missing-image", Subject.IMAGE, "skipped"),
    /** Found at prepare time, when the image files are decoded. */
    UNDECODABLE_IMAGE("undecodable-image", Subject.IMAGE, "skipped"),
    /** Found at prepare time: the decoded size differs from the annotation's width and height. */
    IMAGE_SIZE_MISMATCH("image-size-mismatch", Subject.IMAGE, "skipped");

    private final String key;
    private final Subject subject;
    private final String effect;

    ValidationProblem(String key, Subject subject, String effect) {
        this.key = key;
        this.subject = subject;
        this.effect = effect;
    }

    /** The stable name used in reports and manifests, e.g. {@code unknown-category-id}. */
    @com.fasterxml.jackson.annotation.JsonValue
    public String key() {
        return key;
    }

    public Subject subject() {
        return subject;
    }

    /** What happened to each affected item, e.g. "dropped". */
    public String effect() {
        return effect;
    }

    /** What a problem happens to; the example ids in a report are ids of this kind of item. */
    public enum Subject {
        IMAGE("image", "images"),
        ANNOTATION("annotation", "annotations"),
        CATEGORY("category", "categories");

        private final String singular;
        private final String plural;

        Subject(String singular, String plural) {
            this.singular = singular;
            this.plural = plural;
        }

        public String noun(long count) {
            return count == 1 ? singular : plural;
        }
    }
}
