package io.sparkplane.examples;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Estimates Pi on the JVM: `sparkplane submit --job java-pi --class io.sparkplane.examples.JavaPi JAR [PARTITIONS]`. */
public final class JavaPi {
  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("JavaPi").getOrCreate();
    JavaSparkContext jsc = new JavaSparkContext(spark.sparkContext());
    int partitions = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    int n = 100000 * partitions;
    List<Integer> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      values.add(i);
    }
    JavaRDD<Integer> darts = jsc.parallelize(values, partitions);
    long inside = darts.filter(i -> {
      double x = Math.random() * 2 - 1;
      double y = Math.random() * 2 - 1;
      return x * x + y * y <= 1;
    }).count();
    System.out.println("Pi is roughly " + 4.0 * inside / n);
    spark.stop();
  }
}
