"""A PySpark app for the standalone suite: one job on its executors, then it holds until the
file named by argv[1] exists (so a test can look at it, or break a worker, while it runs), then a
second job that needs executors again."""
import os
import sys
import time

from pyspark.sql import SparkSession

release = sys.argv[1]
spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
assert sc.parallelize(range(100), 4).map(lambda i: i * i).sum() == 328350
deadline = time.time() + 300
while not os.path.exists(release) and time.time() < deadline:
    time.sleep(0.2)
assert sc.parallelize(range(100), 4).map(lambda i: i * i).sum() == 328350
spark.stop()
