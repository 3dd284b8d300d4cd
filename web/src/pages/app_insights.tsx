// Insights: charts of one app from its event log, bucketed on the server to the chart's width
// (GET …/series?width=N). A1 cores and running tasks (peaks per bucket); A2 executor core usage
// breakdown (stacked, with the 100 % summary bar and our published formula); A4 the job and stage
// Gantt on the same time axis. Every chart is a canvas with its data summarised in aria-label and
// a table view. Refreshes every 2 s while the app runs.
import uPlot from "uplot";
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, one } from "../api";
import { isTerminal } from "../format";
import type { AppDetail } from "./app";

interface Span {
  id: number;
  attempt: number;
  name: string;
  status: string;
  start: number;
  end: number;
  jobIds: number[];
}

interface Series {
  available: boolean;
  durationMs: number;
  bucketMs: number;
  peakCores: number;
  peakTasks: number;
  t: number[];
  cores: number[];
  tasks: number[];
  breakdown: Record<string, number[]>;
  totalsCoreMs: Record<string, number>;
  jobs: Span[];
  stages: Span[];
}

// Bottom to top; Okabe–Ito colours, idle in greys on top (Ocean's order).
const kCategories = [
  { key: "cpu", label: "CPU", color: "#0072B2" },
  { key: "io", label: "I/O", color: "#E69F00" },
  { key: "shuffle", label: "Shuffle", color: "#009E73" },
  { key: "gc", label: "GC", color: "#D55E00" },
  { key: "internals", label: "Spark Internals", color: "#CC79A7" },
  { key: "running", label: "Running (not yet broken down)", color: "#56B4E9" },
  { key: "someIdle", label: "Some Cores Idle", color: "#C8C8C8" },
  { key: "allIdle", label: "All Cores Idle", color: "#8C8C8C" },
];

const kFormula =
  "CPU = executor CPU time; GC = JVM GC time; Shuffle = shuffle fetch wait + shuffle write time; " +
  "Spark Internals = deserialization + result serialization + getting result + scheduler delay; " +
  "I/O = run time − CPU − GC − shuffle; each task's parts are spread evenly over its run. " +
  "Some Cores Idle = allocated − busy while a task runs; All Cores Idle = allocated cores while no task runs.";

const pct = (part: number, whole: number) => (whole > 0 ? (100 * part) / whole : 0);
const one1 = (x: number) => (Math.round(x * 10) / 10).toString();

export default function Insights({ base, app }: { base: string; app: AppDetail }) {
  const [series, setSeries] = useState<Series | null>(null);
  const [error, setError] = useState("");
  const container = useRef<HTMLDivElement>(null);
  const running = !isTerminal(app.appState);

  useEffect(() => {
    let live = true;
    let timer = 0;
    const load = async () => {
      const width = Math.max(100, Math.min(4000, Math.round(container.current?.clientWidth ?? 1000)));
      try {
        const s = await one<Series>("GET", `${base}/series?width=${width}`);
        if (!live) return;
        setSeries(s);
        setError("");
      } catch (e) {
        if (!live) return;
        setError(e instanceof ApiError ? e.message : String(e));
      }
      if (live && running) timer = window.setTimeout(load, 2000);
    };
    load();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [base, running]);

  return (
    <div ref={container} class="insights">
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!series && !error && <p aria-busy="true">Loading charts…</p>}
      {series && !series.available && <p>No Spark data yet: the charts appear once the app's event log starts.</p>}
      {series && series.available && <Charts series={series} />}
    </div>
  );
}

function Charts({ series }: { series: Series }) {
  const totals = series.totalsCoreMs;
  const whole = kCategories.reduce((n, c) => n + (totals[c.key] ?? 0), 0);
  const shares = kCategories.map((c) => ({ ...c, share: pct(totals[c.key] ?? 0, whole) }));
  const top = [...shares].sort((a, b) => b.share - a.share).slice(0, 3);
  const breakdownSummary =
    `Executor core usage over ${one1(series.durationMs / 1000)} s, peak ${series.peakCores} cores: ` +
    top.map((c) => `${c.label} ${one1(c.share)} %`).join(", ") +
    " of core time.";
  const coresSummary = `Peak ${series.peakCores} allocated executor cores and ${series.peakTasks} running tasks over ${one1(series.durationMs / 1000)} s.`;
  const [left, setLeft] = useState(0);
  const [plotWidth, setPlotWidth] = useState(0);
  return (
    <>
      <h2>Executors Core Usage Over Time</h2>
      <div class="share-bar" role="img" aria-label={`Executor cores usage breakdown: ${shares.map((c) => `${c.label} ${one1(c.share)} %`).join(", ")}`}>
        {shares
          .filter((c) => c.share > 0)
          .map((c) => (
            <span key={c.key} class="share" style={{ width: `${c.share}%`, background: c.color }} title={`${c.label} ${one1(c.share)} %`} />
          ))}
      </div>
      <ul class="share-legend">
        {shares.map((c) => (
          <li key={c.key}>
            <span class="swatch" style={{ background: c.color }} aria-hidden="true" /> {c.label} {one1(c.share)} %
          </li>
        ))}
      </ul>
      <Plot
        id="breakdown"
        summary={breakdownSummary}
        options={breakdownOptions()}
        data={stackedData(series)}
        onLayout={(l, w) => {
          setLeft(l);
          setPlotWidth(w);
        }}
      />
      <p class="formula">
        <strong>How this is computed:</strong> {kFormula}
      </p>
      <h2>Jobs and stages</h2>
      <Gantt series={series} left={left} width={plotWidth} />
      <h2>Cores and tasks over time</h2>
      <Plot id="cores" summary={coresSummary} options={coresOptions()} data={[series.t.map((t) => t / 1000), series.cores, series.tasks]} />
      <details class="as-table">
        <summary>View as table</summary>
        <table>
          <caption>Share of executor core time by category</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Core seconds</th>
              <th scope="col">Share</th>
            </tr>
          </thead>
          <tbody>
            {shares.map((c) => (
              <tr key={c.key}>
                <th scope="row">{c.label}</th>
                <td>{one1((totals[c.key] ?? 0) / 1000)}</td>
                <td>{one1(c.share)} %</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

function stackedData(series: Series): uPlot.AlignedData {
  const x = series.t.map((t) => t / 1000);
  // Cumulative sums, drawn top first so each lower band paints over the one above it.
  const cumulative: number[][] = [];
  let running = series.t.map(() => 0);
  for (const c of kCategories) {
    const values = series.breakdown[c.key] ?? [];
    running = running.map((v, i) => v + (values[i] ?? 0));
    cumulative.push(running);
  }
  return [x, ...cumulative.reverse()];
}

const kStep = uPlot.paths.stepped!({ align: 1 });

function breakdownOptions(): Omit<uPlot.Options, "width"> {
  const reversed = [...kCategories].reverse();
  return {
    height: 280,
    scales: { x: { time: false } },
    axes: [
      { label: "Elapsed time (s)", stroke: "#4f5964" },
      { label: "Spark Executor CPU Usage (cores)", stroke: "#4f5964" },
    ],
    series: [
      { label: "Elapsed (s)" },
      ...reversed.map((c) => ({ label: c.label, stroke: c.color, fill: c.color, width: 0, paths: kStep, points: { show: false } })),
    ],
    legend: { show: false },
  };
}

function coresOptions(): Omit<uPlot.Options, "width"> {
  return {
    height: 220,
    scales: { x: { time: false } },
    axes: [
      { label: "Elapsed time (s)", stroke: "#4f5964" },
      { label: "Cores / tasks", stroke: "#4f5964" },
    ],
    series: [
      { label: "Elapsed (s)" },
      { label: "Allocated cores (peak)", stroke: "#0072B2", width: 2, paths: kStep, points: { show: false } },
      { label: "Running tasks (peak)", stroke: "#E69F00", fill: "rgba(230,159,0,0.25)", width: 1, paths: kStep, points: { show: false } },
    ],
  };
}

// One uPlot chart sized to its container; reports where its plotting area starts (CSS px) so
// the Gantt below can share the time axis.
function Plot(props: {
  id: string;
  summary: string;
  options: Omit<uPlot.Options, "width">;
  data: uPlot.AlignedData;
  onLayout?: (left: number, width: number) => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = host.current!;
    const u = new uPlot({ ...props.options, width: Math.max(300, el.clientWidth) } as uPlot.Options, props.data, el);
    chart.current = u;
    const dpr = window.devicePixelRatio || 1;
    props.onLayout?.(u.bbox.left / dpr, u.bbox.width / dpr);
    return () => {
      u.destroy();
      chart.current = null;
    };
  }, [props.id]);
  useEffect(() => {
    chart.current?.setData(props.data);
  }, [props.data]);
  return <div class="chart" id={`chart-${props.id}`} ref={host} role="img" aria-label={props.summary} />;
}

// Jobs on the first lane, stages below (one lane each, in start order), on a canvas; failed
// spans are hatched so colour is not the only signal.
function Gantt({ series, left, width }: { series: Series; left: number; width: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const lanes = 1 + series.stages.length;
  const laneHeight = 18;
  const height = Math.max(1, lanes) * laneHeight + 8;
  const summary = `${series.jobs.length} jobs and ${series.stages.length} stages; ${
    series.stages.filter((s) => s.status === "FAILED").length
  } stages failed.`;
  useEffect(() => {
    const c = canvas.current;
    if (!c || width <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    const cssWidth = c.parentElement?.clientWidth ?? left + width;
    c.width = Math.round(cssWidth * dpr);
    c.height = Math.round(height * dpr);
    c.style.width = `${cssWidth}px`;
    c.style.height = `${height}px`;
    const g = c.getContext("2d")!;
    g.scale(dpr, dpr);
    g.clearRect(0, 0, cssWidth, height);
    const span = Math.max(1, series.durationMs);
    const x = (ms: number) => left + (Math.max(0, Math.min(ms, span)) / span) * width;
    const draw = (s: Span, lane: number, color: string, label: string) => {
      const x0 = x(s.start);
      const w = Math.max(1, x(s.end) - x0);
      const y = 4 + lane * laneHeight;
      g.fillStyle = color;
      g.fillRect(x0, y, w, laneHeight - 4);
      if (s.status === "FAILED") {
        g.strokeStyle = "#ffffff";
        g.lineWidth = 1;
        for (let hx = x0 - laneHeight; hx < x0 + w; hx += 6) {
          g.beginPath();
          g.moveTo(Math.max(x0, hx), y + laneHeight - 4);
          g.lineTo(Math.min(x0 + w, hx + laneHeight - 4), y);
          g.stroke();
        }
      }
      g.fillStyle = "#1b1f24";
      g.font = "11px system-ui, 'DejaVu Sans', sans-serif";
      g.textBaseline = "middle";
      const text = label;
      const tw = g.measureText(text).width;
      const tx = x0 + w + 4 + tw < cssWidth ? x0 + w + 4 : Math.max(0, x0 - tw - 4);
      g.fillText(text, tx, y + (laneHeight - 4) / 2);
    };
    for (const job of series.jobs) draw(job, 0, job.status === "FAILED" ? "#B3261E" : "#56B4E9", `job-${job.id}`);
    [...series.stages]
      .sort((a, b) => a.start - b.start || a.id - b.id)
      .forEach((s, i) => draw(s, i + 1, s.status === "FAILED" ? "#B3261E" : "#0072B2", `stage-${s.id}${s.attempt ? `.${s.attempt}` : ""}`));
  }, [series, left, width, height]);
  return (
    <div class="gantt">
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
