package org.detsearch.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.detsearch.image.CorruptImageException;
import org.detsearch.image.DecodedSample;
import org.detsearch.image.ImageCodec;
import org.detsearch.io.HadoopFiles;

import java.io.IOException;

/**
 * Gives executors the decoded samples of a prepared dataset. Shards are read by executors directly from the
 * dataset folder (any Hadoop FS) and spread round-robin over the requested number of partitions, so every
 * executor core gets an equal share (+-1 image) whatever the shard sizes.
 */
public final class ShardReader {
    private final SparkSession spark;
    private final HadoopFiles files;

    public ShardReader(SparkSession spark) {
        this.spark = spark;
        this.files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    }

    public Manifest manifest(String dataset) throws IOException {
        return Manifest.read(files, files.qualify(dataset));
    }

    /** Encoded rows of the dataset, as stored (image bytes still compressed), evenly partitioned. */
    public JavaRDD<LoadedImage> encoded(String dataset, int partitions) throws IOException {
        Path dir = files.qualify(dataset);
        return encoded(Manifest.read(files, dir).shardPaths(dir), partitions);
    }

    /** Encoded rows of the given shard files, evenly partitioned. */
    public JavaRDD<LoadedImage> encoded(java.util.List<Path> shards, int partitions) {
        String[] paths = shards.stream().map(Path::toString).toArray(String[]::new);
        if (paths.length == 0) {
            return spark.emptyDataFrame().javaRDD().map(ShardSchema::fromRow);
        }
        return spark.read().schema(ShardSchema.SCHEMA).parquet(paths)
                .repartition(partitions)
                .javaRDD()
                .map(ShardSchema::fromRow);
    }

    /** Decoded samples (RGB pixels + ground truth), evenly partitioned. Decoding happens on executors. */
    public JavaRDD<DecodedSample> samples(String dataset, int partitions) throws IOException {
        return encoded(dataset, partitions).map(ShardReader::decode);
    }

    static DecodedSample decode(LoadedImage image) throws CorruptImageException {
        return DecodedSample.of(image.annotations(), ImageCodec.decode(image.encoded()));
    }
}
