import time

from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
print("long app started", flush=True)
spark.sparkContext.parallelize(range(4), 2).map(lambda x: time.sleep(600) or x).count()
