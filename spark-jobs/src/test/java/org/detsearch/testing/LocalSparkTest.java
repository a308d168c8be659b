package org.detsearch.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.kryo.Nd4jRegistrator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LocalSparkTest {
    private static LocalSpark spark;

    @BeforeAll
    static void start() {
        spark = LocalSpark.start();
    }

    @AfterAll
    static void stop() {
        spark.close();
    }

    @Test
    void runsWithTheSettingsTheJobsNeed() throws Exception {
        SparkConf conf = spark.jsc().getConf();
        assertEquals("local[2]", conf.get("spark.master"));
        assertEquals(2, spark.jsc().defaultParallelism());
        assertEquals("false", conf.get("spark.ui.enabled"));
        assertTrue(spark.session().sparkContext().uiWebUrl().isEmpty(), "no web UI");
        assertEquals("127.0.0.1", conf.get("spark.driver.host"));
        assertEquals("2", spark.session().conf().get("spark.sql.shuffle.partitions"));
        assertEquals("org.apache.spark.serializer.KryoSerializer", SparkEnv.get().serializer().getClass().getName());
        assertTrue(Nd4jRegistrator.class.isAssignableFrom(Class.forName(conf.get("spark.kryo.registrator"))),
                conf.get("spark.kryo.registrator") + " registers ND4J's serializers");
        assertEquals(SparkTestSettings.SYSTEM_CLOCK_TIME_SOURCE, System.getProperty(SparkTestSettings.TIME_SOURCE_PROPERTY));
    }

    @Test
    void sumsAcrossPartitionsWithRddsAndDatasets() {
        assertEquals(500500, spark.jsc().parallelize(IntStream.rangeClosed(1, 1000).boxed().toList(), 4)
                .reduce(Integer::sum));
        Map<Long, Long> countsByRemainder = new TreeMap<>();
        for (Row row : spark.session().range(1000).groupBy(col("id").mod(3)).count().collectAsList()) {
            countsByRemainder.put(row.getLong(0), row.getLong(1));
        }
        assertEquals(Map.of(0L, 334L, 1L, 333L, 2L, 333L), countsByRemainder);
    }

    @Test
    void kryoCarriesIndArraysThroughAShuffle() {
        INDArray sum = spark.jsc().parallelize(List.of(1, 2, 3, 4), 4)
                .mapToPair(i -> new Tuple2<>(i % 2, Nd4j.create(new double[] {i, 10.0 * i})))
                .reduceByKey(INDArray::add, 2)
                .values().reduce(INDArray::add);
        assertArrayEquals(new double[] {10, 100}, sum.toDoubleVector(), 1e-9);
    }

    @Test
    void aSecondSparkInTheSameJvmIsRefusedRatherThanShared() {
        Exception e = assertThrows(Exception.class, LocalSpark::start);
        assertTrue(e.getMessage().contains("Only one SparkContext"), e.getMessage());
        assertEquals(500500, spark.jsc().parallelize(IntStream.rangeClosed(1, 1000).boxed().toList(), 2)
                .reduce(Integer::sum), "the running Spark still works");
    }
}
