"""A job whose tasks take a while, so a waiting client sees it run: one stage of 4 tasks of
SECONDS each (default 60). Used by the CLI test tier."""
import sys
import time

from pyspark.sql import SparkSession

if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 60
    spark = SparkSession.builder.appName("SlowStages").getOrCreate()
    spark.sparkContext.parallelize(range(4), 4).map(lambda x: time.sleep(seconds) or x).collect()
    spark.stop()
