from pyspark import StorageLevel
from pyspark.sql import SparkSession, functions as F

spark = SparkSession.builder.appName("sparkplane-eventlog-sql").getOrCreate()
sc = spark.sparkContext
doubled = sc.parallelize(range(20000), 4).map(lambda x: x * 2)
doubled.setName("doubled")
doubled.persist(StorageLevel.MEMORY_AND_DISK)
print("sum", doubled.sum())
facts = spark.range(0, 100000, 1, 4).selectExpr("id % 13 as k", "id as v").cache()
print("facts", facts.count())
dim = spark.range(0, 13, 1, 2).selectExpr("id as k", "concat('n', id) as name")
rows = facts.join(dim, "k").groupBy("name").agg(F.sum("v"), F.count("*")).orderBy("name").collect()
print("rows", len(rows))
print("distinct", spark.range(0, 50000, 1, 4).selectExpr("id % 7 as a").distinct().count())
tmp = sc.parallelize(range(100), 2).cache()
print("tmp", tmp.count())
tmp.unpersist(blocking=True)
spark.stop()
