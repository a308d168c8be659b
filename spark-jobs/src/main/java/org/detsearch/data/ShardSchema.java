package org.detsearch.data;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.detsearch.coco.ImageAnnotations;

import java.util.List;

/**
 * The Parquet shard layout, one row per image. Boxes are a flat list {@code [x, y, w, h, x, y, w, h, ...]} in
 * pixels of the stored image, parallel to {@code category_ids} (COCO ids), {@code labels} (contiguous 0..K-1)
 * and {@code crowd}. Readable as is by Spark SQL and pandas/pyarrow.
 */
public final class ShardSchema {
    public static final StructType SCHEMA = new StructType(new StructField[] {
            DataTypes.createStructField("image_id", DataTypes.LongType, false),
            DataTypes.createStructField("file_name", DataTypes.StringType, false),
            DataTypes.createStructField("width", DataTypes.IntegerType, false),
            DataTypes.createStructField("height", DataTypes.IntegerType, false),
            DataTypes.createStructField("image", DataTypes.BinaryType, false),
            DataTypes.createStructField("boxes", DataTypes.createArrayType(DataTypes.FloatType, false), false),
            DataTypes.createStructField("category_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField("labels", DataTypes.createArrayType(DataTypes.IntegerType, false), false),
            DataTypes.createStructField("crowd", DataTypes.createArrayType(DataTypes.BooleanType, false), false),
    });

    private ShardSchema() {
    }

    public static Row toRow(LoadedImage image) {
        ImageAnnotations a = image.annotations();
        return RowFactory.create(a.imageId(), a.fileName(), a.width(), a.height(), image.encoded(),
                a.boxes(), a.categoryIds(), a.labels(), a.crowd());
    }

    public static LoadedImage fromRow(Row row) {
        ImageAnnotations a = new ImageAnnotations(row.getLong(0), row.getString(1), row.getInt(2), row.getInt(3),
                toFloats(row.getList(5)), toInts(row.getList(6)), toInts(row.getList(7)), toBooleans(row.getList(8)));
        return new LoadedImage(a, (byte[]) row.get(4));
    }

    private static float[] toFloats(List<Object> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).floatValue();
        }
        return out;
    }

    private static int[] toInts(List<Object> values) {
        int[] out = new int[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).intValue();
        }
        return out;
    }

    private static boolean[] toBooleans(List<Object> values) {
        boolean[] out = new boolean[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Boolean) values.get(i);
        }
        return out;
    }
}
