package org.detsearch.data;

import org.apache.hadoop.fs.Path;
import org.detsearch.coco.ImageAnnotations;
import org.detsearch.coco.ValidationProblem;
import org.detsearch.image.CorruptImageException;
import org.detsearch.image.ImageCodec;
import org.detsearch.io.HadoopFiles;
import org.detsearch.storage.SerializableHadoopConf;

import java.awt.image.BufferedImage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.function.Consumer;

/**
 * Executor-side loading of one image for {@code prepare}: read the bytes, decode them fully (a file that does
 * not decode completely is skipped, not stored), check the size against the annotations, and optionally
 * downscale so the longer side is at most {@code maxSide} (boxes scaled with it, JPEG re-encoded).
 * I/O errors other than a missing file propagate, so Spark retries the task instead of losing the image.
 */
public final class ImageLoader implements Serializable {
    private static final long serialVersionUID = 1L;
    private final SerializableHadoopConf conf;
    private final int maxSide;
    private final int jpegQuality;

    public ImageLoader(SerializableHadoopConf conf, int maxSide, int jpegQuality) {
        this.conf = conf;
        this.maxSide = maxSide;
        this.jpegQuality = jpegQuality;
    }

    /** Returns the loaded image, or null after telling {@code skipped} why it was left out. */
    public LoadedImage load(ImageTask task, Consumer<SkippedImage> skipped) throws IOException {
        ImageAnnotations gt = task.annotations();
        byte[] bytes;
        try {
            bytes = new HadoopFiles(conf.get()).readAll(new Path(task.path()));
        } catch (FileNotFoundException e) {
            skipped.accept(new SkippedImage(gt.imageId(), gt.fileName(), ValidationProblem.MISSING_IMAGE, "no file at " + task.path()));
            return null;
        }
        BufferedImage image;
        try {
            image = ImageCodec.decode(bytes);
        } catch (CorruptImageException e) {
            skipped.accept(new SkippedImage(gt.imageId(), gt.fileName(), ValidationProblem.UNDECODABLE_IMAGE, e.getMessage()));
            return null;
        }
        if (image.getWidth() != gt.width() || image.getHeight() != gt.height()) {
            skipped.accept(new SkippedImage(gt.imageId(), gt.fileName(), ValidationProblem.IMAGE_SIZE_MISMATCH,
                    "file is " + image.getWidth() + "x" + image.getHeight() + ", annotations say "
                            + gt.width() + "x" + gt.height()));
            return null;
        }
        int longer = Math.max(gt.width(), gt.height());
        if (maxSide <= 0 || longer <= maxSide) {
            return new LoadedImage(gt, bytes);
        }
        double scale = (double) maxSide / longer;
        int width = Math.max(1, (int) Math.round(gt.width() * scale));
        int height = Math.max(1, (int) Math.round(gt.height() * scale));
        byte[] encoded = ImageCodec.encodeJpeg(ImageCodec.resize(image, width, height), jpegQuality);
        return new LoadedImage(gt.resized(width, height), encoded);
    }
}
