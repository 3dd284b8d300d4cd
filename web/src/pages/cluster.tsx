// Cluster: Info, application counts by status (each links to the filtered list), the app load
// history (pending and running apps over time) and the completion trend (apps ended per bucket
// by outcome), over 1, 7 or 30 days (in the URL; 1 day by default).
import uPlot from "uplot";
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, call, one } from "../api";
import { dateTimeText, kAllStates } from "../format";
import type { PageProps } from "../main";
import { navigate, withQuery } from "../router";
import { StateBadge } from "../widgets";

interface Cluster {
  id: string;
  state: string;
  region: string;
  createdAt?: string;
}
interface Load {
  time: string;
  pending: number;
  running: number;
}
interface Completion {
  start: string;
  end: string;
  completed: number;
  failed: number;
  killed: number;
  timedOut: number;
}

const kWindows: Record<string, { label: string; days: number }> = {
  "1d": { label: "1 Day", days: 1 },
  "7d": { label: "7 Days", days: 7 },
  "30d": { label: "30 Days", days: 30 },
};

export default function ClusterPage({ location }: PageProps) {
  const window_ = kWindows[location.query.get("window") ?? ""] ? location.query.get("window")! : "1d";
  const [cluster, setCluster] = useState<Cluster | null>(null);
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [load, setLoad] = useState<Load[] | null>(null);
  const [completion, setCompletion] = useState<Completion[] | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const clusters = await call<Cluster>("GET", "/ocean/spark/cluster");
        const c = clusters.find((x) => x.id === location.query.get("id")) ?? clusters[0];
        if (!live || !c) return;
        setCluster(c);
        const since = new Date(Date.now() - kWindows[window_].days * 86400_000 + 60_000).toISOString();
        const base = `/ocean/spark/cluster/${encodeURIComponent(c.id)}`;
        const [l, t, ...totals] = await Promise.all([
          call<Load>("GET", withQuery(`${base}/appLoadHistory`, { since })),
          call<Completion>("GET", withQuery(`${base}/appCompletionTrend`, { since })),
          ...kAllStates.map((s) => one<{ total: number }>("GET", withQuery(`${base}/app`, { state: s, pageSize: "1" }))),
        ]);
        if (!live) return;
        setLoad(l);
        setCompletion(t);
        setCounts(Object.fromEntries(kAllStates.map((s, i) => [s, totals[i].total])));
        setError("");
      } catch (e) {
        if (live) setError(e instanceof ApiError ? e.message : String(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [window_, location.query.get("id")]);

  return (
    <>
      <h1>Cluster {cluster?.id ?? ""}</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {cluster && (
        <dl class="info-grid">
          <dt>Cluster ID</dt>
          <dd>
            <code>{cluster.id}</code>
          </dd>
          <dt>Status</dt>
          <dd>{cluster.state}</dd>
          <dt>Region</dt>
          <dd>{cluster.region}</dd>
          <dt>Date Created</dt>
          <dd>{dateTimeText(cluster.createdAt)}</dd>
        </dl>
      )}
      <h2>Applications by status</h2>
      <ul class="status-tiles">
        {kAllStates.map((s) => (
          <li key={s}>
            <a href={withQuery("/apps", { state: s })} aria-label={`${counts[s] ?? 0} applications ${s.toLowerCase().replace(/_/g, " ")}`}>
              <span class="count-value">{counts[s] ?? "…"}</span> <StateBadge state={s} />
            </a>
          </li>
        ))}
      </ul>
      <div role="group" aria-label="Time window" class="window-buttons">
        {Object.entries(kWindows).map(([k, w]) => (
          <button key={k} type="button" aria-pressed={k === window_} onClick={() => navigate(withQuery(location.path, { window: k }), { replace: true })}>
            {w.label}
          </button>
        ))}
      </div>
      <h2>App load history</h2>
      {load && (
        <Chart
          id="load"
          summary={`Peak ${Math.max(0, ...load.map((p) => p.running))} running and ${Math.max(0, ...load.map((p) => p.pending))} pending apps over ${kWindows[window_].label.toLowerCase()}.`}
          x={load.map((p) => Date.parse(p.time) / 1000)}
          series={[
            { label: "Running", color: "#0072B2", values: load.map((p) => p.running) },
            { label: "Pending", color: "#E69F00", values: load.map((p) => p.pending) },
          ]}
        />
      )}
      <h2>Completion trend</h2>
      {completion && (
        <Chart
          id="completion"
          summary={`${completion.reduce((n, b) => n + b.completed, 0)} completed, ${completion.reduce((n, b) => n + b.failed, 0)} failed, ${completion.reduce(
            (n, b) => n + b.killed,
            0,
          )} killed and ${completion.reduce((n, b) => n + b.timedOut, 0)} timed out.`}
          x={completion.map((b) => Date.parse(b.start) / 1000)}
          bars
          series={[
            { label: "Completed", color: "#009E73", values: completion.map((b) => b.completed) },
            { label: "Failed", color: "#D55E00", values: completion.map((b) => b.failed) },
            { label: "Killed", color: "#CC79A7", values: completion.map((b) => b.killed) },
            { label: "Timed out", color: "#8C8C8C", values: completion.map((b) => b.timedOut) },
          ]}
        />
      )}
    </>
  );
}

function Chart(props: { id: string; summary: string; x: number[]; series: { label: string; color: string; values: number[] }[]; bars?: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current!;
    const bars = uPlot.paths.bars!({ size: [0.8, 40] });
    const step = uPlot.paths.stepped!({ align: 1 });
    const u = new uPlot(
      {
        width: Math.max(300, el.clientWidth),
        height: 220,
        axes: [{ stroke: "#4f5964" }, { label: "Apps", stroke: "#4f5964" }],
        series: [
          {},
          ...props.series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: props.bars ? s.color : undefined,
            width: props.bars ? 0 : 2,
            paths: props.bars ? bars : step,
            points: { show: false },
          })),
        ],
      },
      [props.x, ...props.series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    return () => u.destroy();
  }, [props.id, props.summary, props.x.length]);
  return <div class="chart" id={`chart-${props.id}`} ref={host} role="img" aria-label={props.summary} />;
}
