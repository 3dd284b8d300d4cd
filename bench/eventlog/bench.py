"""Event-log engine benchmarks; prints ratios against anchors measured in the same run.
Usage: bench.py --log BIG_PLAIN_LOG --cli build/eventlog/src/eventlog/sparkplane-eventlog
                [--venv .venv] [--skip-shs]
Measures (one core where it matters, warm page cache):
  1. replay throughput of the plain log (MB/s of uncompressed log, full model with tasks), on
     one core and with two threads;
  2. replay of the .zstd log (one core, two threads) vs `zstd -dc` of the same file (the
     anchor) and vs the plain replay;
  3. peak RSS of the replay vs the log size;
  4. process start → first answer of /api/v1/applications/{id}/stages: sparkplane `history`
     vs Spark's History Server from the same pyspark (the anchor)."""
import argparse
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(cmd, **kw):
    t = time.perf_counter()
    r = subprocess.run(cmd, check=True, capture_output=True, **kw)
    return time.perf_counter() - t, r


def max_rss_mb(cmd):
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, check=True, capture_output=True, text=True)
    return int(r.stderr.strip().splitlines()[-1]) / 1024


def first_answer(cmd, url, env=None, timeout=3600):
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                         start_new_session=True)
    try:
        while time.perf_counter() - t < timeout:
            try:
                with urllib.request.urlopen(url, timeout=600) as r:
                    if r.status == 200:
                        body = r.read()
                        return time.perf_counter() - t, len(body)
            except Exception:
                time.sleep(0.005)  # resolution well below the measured times
        raise RuntimeError("no answer from " + url)
    finally:
        os.killpg(p.pid, 15)
        p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--venv", default=".venv")
    ap.add_argument("--skip-shs", action="store_true")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="eventlog_bench_")
    size_mb = os.path.getsize(a.log) / 1e6
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    results = {"log_mb": round(size_mb, 1), "loadavg_start": os.getloadavg()[0],
               "cpus": os.cpu_count()}

    def replay(path, threads):
        """Best of three (warm cache): the least disturbed run on a shared machine."""
        best = None
        for _ in range(3):
            cmd = [a.cli, "eventlog", "stats", "--json", "--threads", str(threads), path]
            _, r = timed((pin if threads == 1 else []) + cmd)
            s = json.loads(r.stdout)[0]
            if best is None or s["replayMBps"] > best["replayMBps"]:
                best = s
        return best

    # 1. plain replay: one core (the measure), and two threads.
    st = replay(a.log, 1)
    st2 = replay(a.log, 2)
    results["plain_replay_mb_s"] = round(st["replayMBps"], 1)
    results["plain_replay_2t_mb_s"] = round(st2["replayMBps"], 1)
    results["tasks"] = st["tasks"]
    print(f"plain replay: {st['replayMBps']:.0f} MB/s on one core, {st2['replayMBps']:.0f} MB/s "
          f"with two threads ({st['tasks']} tasks, {st['events']} events, "
          f"{st['parseErrors']} errors)")

    # 2. zstd replay vs zstd -dc (single-threaded decompression, the anchor) and vs plain replay.
    zst = os.path.join(work, "app.zstd")
    subprocess.run(["zstd", "-q", "-1", "-f", a.log, "-o", zst], check=True)
    # zstd's CLI reads and writes on threads of its own: it is pinned to one core for the
    # one-core ratio and left free for the two-thread one.
    zstd_cmd = ["sh", "-c", f"zstd -dc '{zst}' > /dev/null"]
    t_zstd = min(timed(pin + zstd_cmd)[0] for _ in range(3))
    t_zstd_free = min(timed(zstd_cmd)[0] for _ in range(3))
    zs = replay(zst, 1)
    zs2 = replay(zst, 2)
    zstd_rate = size_mb / t_zstd
    zstd_free_rate = size_mb / t_zstd_free
    results["zstd_cli_mb_s"] = round(zstd_rate, 1)
    results["zstd_cli_unpinned_mb_s"] = round(zstd_free_rate, 1)
    results["zstd_replay_mb_s"] = round(zs["replayMBps"], 1)
    results["zstd_replay_2t_mb_s"] = round(zs2["replayMBps"], 1)
    results["zstd_ratio"] = round(zs["replayMBps"] / zstd_rate, 3)
    results["zstd_2t_ratio"] = round(zs2["replayMBps"] / zstd_free_rate, 3)
    results["zstd_vs_plain_replay"] = round(zs["replayMBps"] / st["replayMBps"], 3)
    results["zstd_2t_vs_plain_2t_replay"] = round(zs2["replayMBps"] / st2["replayMBps"], 3)
    print(f"zstd: replay {zs['replayMBps']:.0f} MB/s on one core, {zs2['replayMBps']:.0f} MB/s "
          f"with two threads; zstd -dc {zstd_rate:.0f} MB/s pinned, {zstd_free_rate:.0f} MB/s free "
          f"=> {zs['replayMBps'] / zstd_rate:.2f}x / {zs2['replayMBps'] / zstd_free_rate:.2f}x "
          f"of zstd -dc, "
          f"{zs['replayMBps'] / st['replayMBps']:.2f}x / {zs2['replayMBps'] / st2['replayMBps']:.2f}x "
          f"of plain replay")

    # 3. peak RSS.
    rss = max_rss_mb([a.cli, "eventlog", "stats", a.log])
    results["peak_rss_mb"] = round(rss, 1)
    results["rss_ratio"] = round(rss / size_mb, 3)
    print(f"peak RSS: {rss:.0f} MB for a {size_mb:.0f} MB log = {rss / size_mb:.3f}x")

    # 4. first answer of /stages.
    logdir = os.path.join(work, "logs")
    os.makedirs(logdir)
    # Spark reads the codec from the file name's last suffix: name the copy like Spark would.
    app_id = st["appId"]
    target = os.path.join(logdir, app_id)
    try:
        os.link(a.log, target)
    except OSError:
        shutil.copy(a.log, target)
    # Best of three: the machine is shared, the minimum is the least disturbed run.
    tries = []
    for _ in range(3):
        port = free_port()
        t, _ = first_answer([a.cli, "history", "--dir", logdir, "--listen", f"127.0.0.1:{port}"],
                            f"http://127.0.0.1:{port}/api/v1/applications/{app_id}/stages")
        tries.append(t)
    ours = min(tries)
    results["sparkplane_first_stages_tries_s"] = [round(t, 2) for t in tries]
    results["sparkplane_first_stages_s"] = round(ours, 2)
    print(f"sparkplane history: first /stages answer after {ours:.2f} s")
    if not a.skip_shs:
        spark_home = os.path.join(a.venv, "lib/python3.11/site-packages/pyspark")
        port = free_port()
        props = os.path.join(work, "shs.properties")
        with open(props, "w") as f:
            f.write(f"spark.history.fs.logDirectory={logdir}\nspark.history.ui.port={port}\n"
                    "spark.history.fs.update.interval=1s\n")
        env = dict(os.environ, SPARK_HOME=spark_home, SPARK_DAEMON_MEMORY="6g")
        shs, _ = first_answer([os.path.join(spark_home, "bin/spark-class"),
                               "org.apache.spark.deploy.history.HistoryServer",
                               "--properties-file", props],
                              f"http://127.0.0.1:{port}/api/v1/applications/{app_id}/stages", env=env)
        results["shs_first_stages_s"] = round(shs, 2)
        results["first_answer_speedup"] = round(shs / ours, 1)
        print(f"Spark History Server: first /stages answer after {shs:.2f} s "
              f"=> sparkplane {shs / ours:.1f}x faster")
    results["loadavg_end"] = os.getloadavg()[0]
    print(json.dumps(results))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
