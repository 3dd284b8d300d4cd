"""Scales a real Spark event log to a target size by replaying its jobs again with renumbered
job, stage, task and SQL execution ids and shifted timestamps (Spark's own events, new ids).
Usage: scale_log.py IN OUT TARGET_MB"""
import json
import sys

src, dst, target_mb = sys.argv[1], sys.argv[2], float(sys.argv[3])
head, body, tail = [], [], []
with open(src) as f:
    for line in f:
        ev = line[10:60]
        if not body and "SparkListenerJobStart" not in ev and "SQLExecutionStart" not in ev:
            head.append(line)
        elif "SparkListenerApplicationEnd" in ev:
            tail.append(line)
        else:
            body.append(line)
if not body:
    sys.exit("no jobs in " + src)

events = [json.loads(l) for l in body]
max_job = max_stage = max_task = max_exec = 0
t_min, t_max = 1 << 62, 0
for e in events:
    n = e["Event"]
    if n == "SparkListenerJobStart":
        max_job = max(max_job, e["Job ID"])
        for s in e.get("Stage IDs", []):
            max_stage = max(max_stage, s)
    if n == "SparkListenerTaskEnd":
        max_task = max(max_task, e["Task Info"]["Task ID"])
    if "executionId" in e:
        max_exec = max(max_exec, e["executionId"])
    for k in ("Submission Time", "Completion Time", "time", "Timestamp"):
        if isinstance(e.get(k), int):
            t_min, t_max = min(t_min, e[k]), max(t_max, e[k])
span = max(1, t_max - t_min) + 1000
TIME_KEYS = {"Submission Time", "Completion Time", "Launch Time", "Finish Time", "Timestamp", "time"}


def shift(obj, k):
    if isinstance(obj, dict):
        for key, v in obj.items():
            if key in TIME_KEYS and isinstance(v, int) and v > 0:
                obj[key] = v + k * span
            elif key == "Getting Result Time" and isinstance(v, int) and v > 0:
                obj[key] = v + k * span
            elif key in ("Stage ID", "stageId") and isinstance(v, int) and v >= 0:
                obj[key] = v + k * (max_stage + 1)
            elif key in ("Stage IDs", "Parent IDs") and isinstance(v, list) and key == "Stage IDs":
                obj[key] = [s + k * (max_stage + 1) for s in v]
            elif key == "Parent IDs" and isinstance(v, list) and "Stage ID" in obj:
                obj[key] = [s + k * (max_stage + 1) for s in v]
            elif key == "Job ID" and isinstance(v, int):
                obj[key] = v + k * (max_job + 1)
            elif key == "Task ID" and isinstance(v, int):
                obj[key] = v + k * (max_task + 1)
            elif key in ("executionId", "rootExecutionId") and isinstance(v, int):
                obj[key] = v + k * (max_exec + 1)
            elif key == "spark.sql.execution.id" and isinstance(v, str) and v.isdigit():
                obj[key] = str(int(v) + k * (max_exec + 1))
            else:
                shift(v, k)
    elif isinstance(obj, list):
        for v in obj:
            shift(v, k)


body_bytes = sum(len(l) for l in body)
copies = max(1, int(target_mb * 1e6 / body_bytes) + 1)
with open(dst, "w") as out:
    out.writelines(head)
    for k in range(copies):
        if k == 0:
            out.writelines(body)
            continue
        for e in events:
            e2 = json.loads(json.dumps(e))
            shift(e2, k)
            out.write(json.dumps(e2, separators=(",", ":")) + "\n")
    for line in tail:
        e = json.loads(line)
        e["Timestamp"] += (copies - 1) * span
        out.write(json.dumps(e, separators=(",", ":")) + "\n")
print(f"copies={copies} body_mb={body_bytes / 1e6:.1f}")
