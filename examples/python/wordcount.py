"""Counts words in a text file (default: the bundled examples/data/words.txt) and prints the top 10."""
import os
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

if __name__ == "__main__":
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "words.txt")
    path = sys.argv[1] if len(sys.argv) > 1 else default
    spark = SparkSession.builder.appName("PythonWordCount").getOrCreate()
    words = (spark.read.text(path)
             .select(F.explode(F.split(F.lower(F.col("value")), r"[^a-z']+")).alias("word"))
             .where(F.col("word") != ""))
    top = words.groupBy("word").count().orderBy(F.desc("count"), "word").limit(10).collect()
    for row in top:
        print("%s\t%d" % (row["word"], row["count"]))
    print("distinct words: %d" % words.distinct().count())
    spark.stop()
