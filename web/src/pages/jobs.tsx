// Jobs: Ocean's grouped columns (Job Info: job, cluster; Last Application Info: application,
// status, started at, duration, user) plus a sparkline of the last 20 run durations and the last
// run against the median. Search by job name is in the URL; the server pages.
import { useEffect, useState } from "preact/hooks";

import { ApiError, one } from "../api";
import { appDurationSeconds, dateTimeText, durationText } from "../format";
import type { AppItem } from "../format";
import type { PageProps } from "../main";
import { navigate, withQuery } from "../router";
import { StateBadge } from "../widgets";

export interface JobItem {
  id: string;
  clusterId: string;
  displayName: string;
  lastApp?: AppItem;
  recentDurationsMs?: number[];
}

interface JobPage {
  total: number;
  page: JobItem[];
  after?: string;
  before?: string;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Last run vs the median of the runs before it, as "↑ 23 % vs median".
export function deltaText(values: number[]): { text: string; worse: boolean } | null {
  if (values.length < 2) return null;
  const last = values[values.length - 1];
  const m = median(values.slice(0, -1));
  if (!(m > 0)) return null;
  const change = (100 * (last - m)) / m;
  return { text: `${change >= 0 ? "↑" : "↓"} ${Math.abs(Math.round(change))} % vs median`, worse: change > 0 };
}

export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const w = 120;
  const h = 28;
  if (values.length === 0) return <span class="muted">-</span>;
  const max = Math.max(...values, 1);
  const step = values.length > 1 ? w / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(h - 2 - (v / max) * (h - 4)).toFixed(1)}`).join(" ");
  const m = median(values);
  const my = (h - 2 - (m / max) * (h - 4)).toFixed(1);
  return (
    <svg class="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <line x1="0" x2={w} y1={my} y2={my} class="median" />
      <polyline points={points} fill="none" class="line" />
    </svg>
  );
}

export default function JobsPage({ location }: PageProps) {
  const query = location.query;
  const [data, setData] = useState<JobPage | null>(null);
  const [error, setError] = useState("");
  const [search, setSearch] = useState(query.get("q") ?? "");
  const path = withQuery("/ocean/spark/job", {
    searchTerm: query.get("q") ?? undefined,
    after: query.get("after") ?? undefined,
    before: query.get("before") ?? undefined,
    pageSize: "20",
  });
  useEffect(() => {
    let live = true;
    one<JobPage>("GET", path)
      .then((p) => live && (setData(p), setError("")))
      .catch((e) => live && setError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [path]);
  useEffect(() => {
    if (search === (query.get("q") ?? "")) return;
    const t = window.setTimeout(() => navigate(withQuery("/jobs", { q: search || undefined }), { replace: true }), 300);
    return () => window.clearTimeout(t);
  }, [search]);
  const now = Date.now();
  return (
    <>
      <h1>Ocean for Apache Spark Jobs</h1>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label class="search">
          Search by job name
          <input type="search" name="q" value={search} onInput={(e) => setSearch((e.target as HTMLInputElement).value)} />
        </label>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <p class="count" role="status">
        {data ? `${data.total} ${data.total === 1 ? "job" : "jobs"}` : "Loading…"}
      </p>
      <div class="table-wrap">
        <table class="jobs">
          <caption class="sr-only">Jobs</caption>
          <thead>
            <tr>
              <th scope="colgroup" colSpan={2}>
                Job Info
              </th>
              <th scope="colgroup" colSpan={5}>
                Last Application Info
              </th>
              <th scope="colgroup" colSpan={2}>
                Trend
              </th>
            </tr>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Cluster</th>
              <th scope="col">Application</th>
              <th scope="col">Status</th>
              <th scope="col">Started at</th>
              <th scope="col">Duration</th>
              <th scope="col">User</th>
              <th scope="col">Last 20 durations</th>
              <th scope="col">Last vs median</th>
            </tr>
          </thead>
          <tbody>
            {data?.page.map((job) => {
              const durations = job.recentDurationsMs ?? [];
              const delta = deltaText(durations);
              const last = job.lastApp;
              return (
                <tr key={`${job.clusterId}/${job.id}`} data-job-id={job.id}>
                  <td>
                    <a href={`/jobs/${encodeURIComponent(job.clusterId)}/${encodeURIComponent(job.id)}`}>{job.displayName || job.id}</a>
                  </td>
                  <td>{job.clusterId}</td>
                  <td>{last ? <a href={`/apps/${encodeURIComponent(last.clusterId)}/${encodeURIComponent(last.id)}`}>{last.id}</a> : "-"}</td>
                  <td>{last ? <StateBadge state={last.appState} /> : "-"}</td>
                  <td data-volatile>{dateTimeText(last?.startedAt ?? last?.createdAt)}</td>
                  <td data-volatile>{last ? durationText(appDurationSeconds(last, now)) : "-"}</td>
                  <td>{last?.userId ?? "-"}</td>
                  <td>
                    <Sparkline values={durations} label={`${durations.length} run durations, median ${durationText(median(durations) / 1000)}`} />
                  </td>
                  <td class={delta ? (delta.worse ? "worse" : "better") : ""}>{delta?.text ?? "-"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {data && data.page.length === 0 && <p>No jobs{query.get("q") ? " match this search" : " yet"}.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={!data?.before} onClick={() => navigate(withQuery("/jobs", { q: query.get("q") ?? undefined, before: data?.before }))}>
          Previous page
        </button>
        <button type="button" disabled={!data?.after} onClick={() => navigate(withQuery("/jobs", { q: query.get("q") ?? undefined, after: data?.after }))}>
          Next page
        </button>
      </nav>
    </>
  );
}
