from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
spark.range(10).count()
raise ValueError("sparkplane test failure: the answer was not 42")
