package org.detsearch.testing;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Spark on local[2] reading text files from MiniHdfs and S3Proxy, configured through its hadoopConfiguration. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalSparkOnHdfsAndS3Test {
    private static final String NUMBERS = IntStream.rangeClosed(1, 1000).mapToObj(Integer::toString)
            .collect(Collectors.joining("\n", "", "\n"));
    private static MiniHdfs hdfs;
    private static S3Proxy s3;
    private static LocalSpark spark;

    @BeforeAll
    static void start() throws Exception {
        hdfs = MiniHdfs.start();
        s3 = S3Proxy.start();
        spark = LocalSpark.start().withHadoopSettings(hdfs.clientSettings()).withHadoopSettings(s3.s3aSettings());
        for (String file : new String[] {hdfs.path("in/numbers.txt"), s3.path("in/numbers.txt")}) {
            Path path = new Path(file);
            // written with Spark's own Hadoop configuration: what the jobs will read with
            try (FileSystem fs = FileSystem.newInstance(path.toUri(), spark.hadoopConf());
                 OutputStream out = fs.create(path)) {
                out.write(NUMBERS.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (spark != null) {
            spark.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private static void readsTheNumbers(String file) {
        JavaRDD<String> lines = spark.jsc().textFile(file, 3);
        assertEquals(1000, lines.count(), file);
        assertEquals(500500L, lines.map(Long::parseLong).reduce(Long::sum), file);
        assertEquals(1000, spark.session().read().textFile(file).count(), "Dataset API on " + file);
    }

    @Test
    void readsATextFileFromHdfs() {
        readsTheNumbers(hdfs.path("in/numbers.txt"));
    }

    @Test
    void readsATextFileFromS3() {
        readsTheNumbers(s3.path("in/numbers.txt"));
    }
}
