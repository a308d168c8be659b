package org.detsearch.model;

import org.detsearch.backbone.EfficientNetSpec;
import org.detsearch.detection.AnchorSpec;
import org.detsearch.neck.FusionMethod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EfficientDetSpecTest {
    @Test
    void theOfficialTableRowByRow() {
        String[] names = {"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d7x"};
        int[] sizes = {512, 640, 768, 896, 1024, 1280, 1280, 1536, 1536};
        String[] backbones = {"b0", "b1", "b2", "b3", "b4", "b5", "b6", "b6", "b7"};
        int[] widths = {64, 88, 112, 160, 224, 288, 384, 384, 384};
        int[] depths = {3, 4, 5, 6, 7, 7, 8, 8, 8};
        int[] heads = {3, 3, 3, 4, 4, 4, 5, 5, 5};
        for (int i = 0; i < names.length; i++) {
            EfficientDetSpec spec = EfficientDetSpec.named("efficientdet-" + names[i]);
            assertEquals(sizes[i], spec.imageSize(), names[i]);
            assertEquals("efficientnet-" + backbones[i], spec.backbone().name(), names[i]);
            assertEquals(widths[i], spec.fpnWidth(), names[i]);
            assertEquals(depths[i], spec.fpnDepth(), names[i]);
            assertEquals(heads[i], spec.headDepth(), names[i]);
            assertEquals(i < 6 ? FusionMethod.FAST_ATTENTION : FusionMethod.SUM, spec.fusion(), names[i]);
            assertEquals(names[i].equals("d7") ? 5.0 : 4.0, spec.anchors().anchorScale(), names[i]);
            assertEquals(names[i].equals("d7x") ? 8 : 7, spec.maxLevel(), names[i]);
            assertEquals(9, spec.anchors().anchorsPerLocation());
            assertEquals(90, spec.numClasses());
            assertEquals(0, spec.backbone().numClasses(), "features only");
        }
        assertEquals(0, EfficientDetSpec.named("efficientdet-d0").backbone().dropConnectRate(), "D0's backbone has no drop-connect");
        assertEquals(0.2, EfficientDetSpec.named("efficientdet-d1").backbone().dropConnectRate());
    }

    @Test
    void variantsBeyondTheTable() {
        EfficientDetSpec d0 = EfficientDetSpec.named("efficientdet-d0", 6);
        assertEquals(6, d0.numClasses());
        assertEquals(640, d0.withImageSize(640).imageSize());
        EfficientDetSpec custom = new EfficientDetSpec("sweep-1", EfficientNetSpec.named("efficientnet-b2"), 96, 4, 2,
                FusionMethod.FAST_ATTENTION, AnchorSpec.EFFICIENTDET, 20, 384);
        assertEquals(0, custom.backbone().numClasses(), "the backbone's classifier is dropped");
        assertEquals(custom, new EfficientDetSpec("sweep-1", EfficientNetSpec.named("efficientnet-b2").withNumClasses(0), 96, 4, 2,
                FusionMethod.FAST_ATTENTION, AnchorSpec.EFFICIENTDET, 20, 384), "value equality");
    }

    /** Specs travel in model files and to executors by Java serialisation. */
    @Test
    void aSpecSurvivesJavaSerialisation() throws Exception {
        EfficientDetSpec spec = EfficientDetSpec.named("efficientdet-d7x", 6);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(spec);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(spec, in.readObject());
        }
    }

    @Test
    void badSpecsAreRejectedWithTheReason() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> EfficientDetSpec.named("efficientdet-d0").withImageSize(500));
        assertTrue(size.getMessage().contains("multiple of 128"), size.getMessage());
        IllegalArgumentException p8 = assertThrows(IllegalArgumentException.class,
                () -> EfficientDetSpec.named("efficientdet-d7x").withImageSize(1408));
        assertTrue(p8.getMessage().contains("multiple of 256"), p8.getMessage());
        IllegalArgumentException levels = assertThrows(IllegalArgumentException.class, () -> new EfficientDetSpec("x",
                EfficientNetSpec.named("efficientnet-b0"), 64, 3, 3, FusionMethod.SUM, new AnchorSpec(4, 7, 3, new double[] {1}, 4), 90, 512));
        assertTrue(levels.getMessage().contains("starts at P3"), levels.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> EfficientDetSpec.named("efficientdet-d8"));
        assertTrue(name.getMessage().contains("efficientdet-d7x"), name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EfficientDetSpec.named("efficientdet-d0", 0));
    }
}
