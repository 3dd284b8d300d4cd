// One job: Job Info, Ocean's five median trend tiles (median of the last 10 runs, and the last
// run against it), the run trend chart (one point per run with the median line) and the runs
// table. The range (default the last two weeks) is in the URL.
import uPlot from "uplot";
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, one } from "../api";
import { appDurationSeconds, bytesText, dateTimeText, durationText, isTerminal } from "../format";
import type { AppItem } from "../format";
import type { PageProps } from "../main";
import { navigate, withQuery } from "../router";
import { StateBadge, Tile } from "../widgets";
import { deltaText, median } from "./jobs";
import type { JobItem } from "./jobs";

interface JobDetail extends JobItem {
  history?: AppItem[];
  config?: unknown;
}

const kRanges: Record<string, { label: string; days: number }> = {
  "1d": { label: "Last Day", days: 1 },
  "7d": { label: "Last Week", days: 7 },
  "14d": { label: "Last Two Weeks", days: 14 },
  "30d": { label: "Last Month", days: 30 },
  "90d": { label: "Last Three Months", days: 90 },
};

interface Run {
  app: AppItem;
  durationMs: number;
  read?: number;
  written?: number;
  efficiency?: number;
  cost?: number;
}

export default function JobPage({ location }: PageProps) {
  const [, , cluster = "", id = ""] = location.path.split("/").map(decodeURIComponent);
  const range = kRanges[location.query.get("range") ?? ""] ? location.query.get("range")! : "14d";
  const [job, setJob] = useState<JobDetail | null>(null);
  const [error, setError] = useState("");
  const since = new Date(Date.now() - kRanges[range].days * 86400_000).toISOString();
  const path = withQuery(`/ocean/spark/cluster/${encodeURIComponent(cluster)}/job/${encodeURIComponent(id)}`, {
    minCreatedAt: since.slice(0, 13) + ":00:00.000Z",
  });
  useEffect(() => {
    let live = true;
    one<JobDetail>("GET", path)
      .then((j) => live && (setJob(j), setError("")))
      .catch((e) => live && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [path]);

  const now = Date.now();
  const runs: Run[] = (job?.history ?? [])
    .filter((a) => isTerminal(a.appState))
    .sort((a, b) => Date.parse(a.createdAt ?? "") - Date.parse(b.createdAt ?? ""))
    .map((app) => ({
      app,
      durationMs: appDurationSeconds(app, now) * 1000,
      read: app.metrics?.spark?.inputDataBytes,
      written: app.metrics?.spark?.outputDataBytes,
      efficiency: app.metrics?.spark?.efficiencyPercent,
      cost: app.costInCents,
    }));
  const last10 = runs.slice(-10);
  const medianTile = (label: string, pick: (r: Run) => number | undefined, show: (v: number) => string) => {
    const values = last10.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
    const delta = deltaText(values);
    return (
      <div class="trend-tile">
        <Tile label={label} value={values.length ? show(median(values)) : "…"} />
        <div class={`delta ${delta ? (delta.worse ? "worse" : "better") : ""}`}>{delta ? `Last app ${delta.text}` : "\u00a0"}</div>
      </div>
    );
  };

  return (
    <>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/jobs">Jobs</a> /
      </nav>
      <h1>{job?.displayName ?? id}</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <label class="range">
        Range{" "}
        <select value={range} onChange={(e) => navigate(withQuery(location.path, { range: (e.target as HTMLSelectElement).value }), { replace: true })}>
          {Object.entries(kRanges).map(([k, r]) => (
            <option key={k} value={k}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      {job && (
        <>
          <h2>Job Info</h2>
          <dl class="info-grid">
            <dt>Job Name</dt>
            <dd>{job.displayName}</dd>
            <dt>Job ID</dt>
            <dd>
              <code>{job.id}</code>
            </dd>
            <dt>Cluster</dt>
            <dd>{job.clusterId}</dd>
            <dt>Last Run</dt>
            <dd>{job.lastApp ? <a href={`/apps/${encodeURIComponent(job.clusterId)}/${encodeURIComponent(job.lastApp.id)}`}>{job.lastApp.id}</a> : "-"}</dd>
          </dl>
          <h2>Job Trends</h2>
          <div class="tiles">
            {medianTile("Median Cloud Cost", (r) => r.cost, (v) => `$${(v / 100).toFixed(2)}`)}
            {medianTile("Median Duration", (r) => r.durationMs, (v) => durationText(v / 1000))}
            {medianTile("Median Data Read", (r) => r.read, bytesText)}
            {medianTile("Median Data Written", (r) => r.written, bytesText)}
            {medianTile("Median Efficiency Score", (r) => r.efficiency, (v) => `${Math.round(v)} %`)}
          </div>
          <h2>Run trend</h2>
          {runs.length ? <TrendChart runs={runs} /> : <p>No finished runs in this range.</p>}
          <h2>Applications</h2>
          <div class="table-wrap">
            <table class="runs">
              <caption class="sr-only">Runs of this job</caption>
              <thead>
                <tr>
                  <th scope="col">Application</th>
                  <th scope="col">Status</th>
                  <th scope="col">Created at</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Efficiency</th>
                  <th scope="col">Data read</th>
                  <th scope="col">Data written</th>
                </tr>
              </thead>
              <tbody>
                {[...(job.history ?? [])].reverse().map((a) => (
                  <tr key={a.id} data-app-id={a.id}>
                    <td>
                      <a href={`/apps/${encodeURIComponent(a.clusterId)}/${encodeURIComponent(a.id)}`}>{a.id}</a>
                    </td>
                    <td>
                      <StateBadge state={a.appState} />
                    </td>
                    <td>{dateTimeText(a.createdAt)}</td>
                    <td>{durationText(appDurationSeconds(a, now))}</td>
                    <td>{a.metrics?.spark?.efficiencyPercent === undefined ? "-" : `${Math.round(a.metrics.spark.efficiencyPercent)} %`}</td>
                    <td>{bytesText(a.metrics?.spark?.inputDataBytes)}</td>
                    <td>{bytesText(a.metrics?.spark?.outputDataBytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}

// J1: duration of each run (points) with the median line; efficiency on the right axis.
function TrendChart({ runs }: { runs: Run[] }) {
  const host = useRef<HTMLDivElement>(null);
  const durations = runs.map((r) => r.durationMs / 1000);
  const med = median(durations);
  const summary = `${runs.length} runs; median duration ${durationText(med)}; last ${durationText(durations[durations.length - 1])}.`;
  useEffect(() => {
    const el = host.current!;
    const x = runs.map((_, i) => i + 1);
    const u = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 240,
        scales: { x: { time: false }, eff: { range: [0, 100] } },
        axes: [
          { label: "Run", stroke: "#4f5964" },
          { label: "Duration (s)", stroke: "#4f5964" },
          { label: "Efficiency (%)", side: 1, scale: "eff", stroke: "#4f5964", grid: { show: false } },
        ],
        series: [
          { label: "Run" },
          { label: "Duration (s)", stroke: "#0072B2", width: 2, points: { show: true, size: 7 } },
          { label: "Median duration (s)", stroke: "#4f5964", dash: [4, 4], width: 1, points: { show: false } },
          { label: "Efficiency (%)", scale: "eff", stroke: "#E69F00", width: 1, points: { show: true, size: 5 } },
        ],
      },
      [x, durations, durations.map(() => med), runs.map((r) => r.efficiency ?? null)] as uPlot.AlignedData,
      el,
    );
    return () => u.destroy();
  }, [runs.map((r) => r.app.id).join(",")]);
  return <div class="chart" id="chart-trend" ref={host} role="img" aria-label={summary} data-points={runs.length} />;
}
