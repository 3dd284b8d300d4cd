"""Writes a real Spark event log of at least TARGET_MB by running many small-task SQL jobs.
Usage: spark-submit --conf spark.eventLog.enabled=true --conf spark.eventLog.dir=DIR \
         make_big_log.py DIR TARGET_MB [PARTITIONS_PER_JOB]"""
import glob
import os
import sys

from pyspark.sql import SparkSession

log_dir, target_mb = sys.argv[1], float(sys.argv[2])
parts = int(sys.argv[3]) if len(sys.argv) > 3 else 4000
spark = SparkSession.builder.appName("sparkplane-bench-big-log").getOrCreate()


def log_bytes():
    return sum(os.path.getsize(p) for p in glob.glob(os.path.join(log_dir, "**", "*"), recursive=True)
               if os.path.isfile(p))


job = 0
while log_bytes() < target_mb * 1e6:
    # A scan stage with `parts` tasks and a shuffle stage: TaskEnd lines with SQL accumulables.
    df = spark.range(0, parts * 50, 1, parts).selectExpr("id % 97 as k", "id as v")
    df.groupBy("k").sum("v").collect()
    job += 1
    if job % 5 == 0:
        print(f"jobs={job} log_mb={log_bytes() / 1e6:.1f}", flush=True)
spark.stop()
