"""A PySpark app that proves it received its secrets without printing them: it reads a Spark
property, a Hadoop property (from hadoopConf), a driver and an executor environment variable,
prints the SHA-256 of them joined with '|', then waits (so a test can inspect its processes)
until the file named by its first argument exists."""
import hashlib
import os
import sys
import time

from pyspark.sql import SparkSession

release_file = sys.argv[1]
spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext
values = [
    spark.conf.get("spark.myapp.password", ""),
    sc._jsc.hadoopConfiguration().get("fs.s3a.secret.key") or "",
    os.environ.get("MYAPP_DRIVER_TOKEN", ""),
    sc.parallelize([0], 1).map(lambda _: os.environ.get("MYAPP_EXECUTOR_TOKEN", "")).collect()[0],
]
print("SECRETS-SHA256=" + hashlib.sha256("|".join(values).encode()).hexdigest(), flush=True)
print("READY", flush=True)
deadline = time.monotonic() + 300
while not os.path.exists(release_file):
    if time.monotonic() > deadline:
        sys.exit("nobody released the app")
    time.sleep(0.2)
spark.stop()
