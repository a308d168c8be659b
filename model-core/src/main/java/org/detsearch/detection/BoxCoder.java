package org.detsearch.detection;

/**
 * The Faster R-CNN box coder without scale factors, as EfficientDet uses it: targets
 * {@code (ty, tx, th, tw) = ((yc - yca) / ha, (xc - xca) / wa, log(h / ha), log(w / wa))}, with 1e-8 added to
 * every height and width so that degenerate boxes stay finite. Boxes are {@code [ymin, xmin, ymax, xmax]}.
 */
public final class BoxCoder {
    static final double EPSILON = 1e-8;

    private BoxCoder() {
    }

    /** Encodes {@code box} against {@code anchor} into {@code out[offset..offset+3]}. */
    public static void encode(double[] box, int boxOffset, double[] anchor, int anchorOffset, float[] out, int offset) {
        double ha = anchor[anchorOffset + 2] - anchor[anchorOffset];
        double wa = anchor[anchorOffset + 3] - anchor[anchorOffset + 1];
        double yca = anchor[anchorOffset] + ha / 2;
        double xca = anchor[anchorOffset + 1] + wa / 2;
        double h = box[boxOffset + 2] - box[boxOffset];
        double w = box[boxOffset + 3] - box[boxOffset + 1];
        double yc = box[boxOffset] + h / 2;
        double xc = box[boxOffset + 1] + w / 2;
        // sizes only, after the centres, as the reference does
        ha += EPSILON;
        wa += EPSILON;
        h += EPSILON;
        w += EPSILON;
        out[offset] = (float) ((yc - yca) / ha);
        out[offset + 1] = (float) ((xc - xca) / wa);
        out[offset + 2] = (float) Math.log(h / ha);
        out[offset + 3] = (float) Math.log(w / wa);
    }

    /** Decodes {@code (ty, tx, th, tw)} against an anchor into {@code out[offset..offset+3]} as [ymin, xmin, ymax, xmax]. */
    public static void decode(float ty, float tx, float th, float tw, double[] anchor, int anchorOffset, double[] out, int offset) {
        double ha = anchor[anchorOffset + 2] - anchor[anchorOffset];
        double wa = anchor[anchorOffset + 3] - anchor[anchorOffset + 1];
        double yca = anchor[anchorOffset] + ha / 2;
        double xca = anchor[anchorOffset + 1] + wa / 2;
        double h = Math.exp(th) * ha;
        double w = Math.exp(tw) * wa;
        double yc = ty * ha + yca;
        double xc = tx * wa + xca;
        out[offset] = yc - h / 2;
        out[offset + 1] = xc - w / 2;
        out[offset + 2] = yc + h / 2;
        out[offset + 3] = xc + w / 2;
    }
}
