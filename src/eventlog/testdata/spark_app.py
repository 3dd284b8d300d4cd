"""Small PySpark app for eventlog integration tests: a few jobs with shuffles, a cached RDD,
a SQL query and (optionally) a failing task. Usage: spark_app.py [seconds_to_linger]."""
import sys
import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("sparkplane-eventlog-itest").getOrCreate()
sc = spark.sparkContext
linger = float(sys.argv[1]) if len(sys.argv) > 1 else 0.0

rdd = sc.parallelize(range(20000), 8)
print("count", rdd.count())
pairs = rdd.map(lambda x: (x % 17, x)).reduceByKey(lambda a, b: a + b)
print("groups", pairs.count())
cached = rdd.map(lambda x: x * 2).cache()
print("sum", cached.sum(), cached.max())
df = spark.range(0, 50000).selectExpr("id % 13 as k", "id as v")
print("sql", df.groupBy("k").sum("v").count())
steps = int(linger)
for i in range(steps):
    sc.parallelize(range(1000), 4).map(lambda x: x + 1).count()
    time.sleep(1.0)
spark.stop()
