// Applications: Ocean's list (status, application and job, cluster, created at, duration, user,
// cores, core hours, cost, kill) plus efficiency, issues and data read/written. Filters, sort and
// the page cursor live in the URL; the server filters, sorts and pages. The page refreshes itself
// every few seconds while it shows unfinished apps (and less often otherwise, to show new ones).
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError, one } from "../api";
import {
  appDurationSeconds,
  bytesText,
  coreHoursText,
  dateTimeText,
  durationText,
  isTerminal,
  kAllStates,
  stateLabel,
} from "../format";
import type { AppItem } from "../format";
import type { PageProps } from "../main";
import { navigate, withQuery } from "../router";
import { StateBadge } from "../widgets";

interface AppPage {
  total: number;
  page: AppItem[];
  after?: string;
  before?: string;
}

const kFilterKeys = ["q", "state", "type", "user", "job", "from", "to"] as const;
const kSortable: Record<string, string> = { created: "CREATED_AT", duration: "DURATION", cost: "COST_IN_CENTS" };

function apiPath(query: URLSearchParams): string {
  const day = (d: string | null, end: boolean) => (d ? `${d}T${end ? "23:59:59.999" : "00:00:00.000"}Z` : undefined);
  return withQuery("/ocean/spark/app", {
    searchTerm: query.get("q") ?? undefined,
    state: query.get("state") ?? undefined,
    appType: query.get("type") ?? undefined,
    userId: query.get("user") ?? undefined,
    jobId: query.get("job") ?? undefined,
    minCreatedAt: day(query.get("from"), false),
    maxCreatedAt: day(query.get("to"), true),
    orderBy: kSortable[query.get("sort") ?? "created"] ?? "CREATED_AT",
    order: query.get("order") === "asc" ? "ASC" : "DESC",
    after: query.get("after") ?? undefined,
    before: query.get("before") ?? undefined,
    pageSize: query.get("size") ?? "20",
  });
}

export default function AppsPage({ location, session }: PageProps) {
  const query = location.query;
  const [data, setData] = useState<AppPage | null>(null);
  const [error, setError] = useState("");
  const [now, setNow] = useState(Date.now());
  const [killing, setKilling] = useState<AppItem | null>(null);
  const path = apiPath(query);
  const refresh = useRef<() => void>(() => {});

  useEffect(() => {
    let live = true;
    let timer = 0;
    const load = async () => {
      window.clearTimeout(timer);
      try {
        const page = await one<AppPage>("GET", path);
        if (!live) return;
        setData(page);
        setError("");
        setNow(Date.now());
        const unfinished = page.page.some((a) => !isTerminal(a.appState));
        timer = window.setTimeout(tick, unfinished ? 2000 : 10000);
      } catch (e) {
        if (!live) return;
        setError(e instanceof ApiError ? e.message : String(e));
        timer = window.setTimeout(tick, 10000);
      }
    };
    const tick = () => {
      if (document.hidden) timer = window.setTimeout(tick, 2000);
      else load();
    };
    refresh.current = load;
    load();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [path]);

  const setParams = (changes: Record<string, string | undefined>, resetPage = true) => {
    const next: Record<string, string | undefined> = {};
    query.forEach((v, k) => (next[k] = v));
    Object.assign(next, changes);
    if (resetPage) {
      next.after = undefined;
      next.before = undefined;
    }
    navigate(withQuery("/apps", next), { replace: true });
  };

  const sort = query.get("sort") ?? "created";
  const order = query.get("order") === "asc" ? "asc" : "desc";
  const sortHeader = (key: string, label: string) => {
    const active = sort === key;
    return (
      <th scope="col" aria-sort={active ? (order === "asc" ? "ascending" : "descending") : "none"}>
        <button
          type="button"
          class="sort"
          onClick={() => setParams({ sort: key, order: active && order === "desc" ? "asc" : "desc" })}
        >
          {label}
          <span aria-hidden="true">{active ? (order === "asc" ? " ▲" : " ▼") : " ↕"}</span>
        </button>
      </th>
    );
  };
  const canKill = session.role !== "viewer";
  const filtered = kFilterKeys.some((k) => query.get(k));

  return (
    <>
      <h1>Ocean for Apache Spark Applications</h1>
      <Filters query={query} onChange={setParams} />
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <p class="count" role="status">
        {data ? `${data.total} ${data.total === 1 ? "application" : "applications"}${filtered ? " match the filters" : ""}` : "Loading…"}
      </p>
      <div class="table-wrap">
        <table class="apps">
          <caption class="sr-only">Applications</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Application</th>
              <th scope="col">Cluster</th>
              {sortHeader("created", "Created at")}
              {sortHeader("duration", "Duration")}
              <th scope="col">User</th>
              <th scope="col" title="Cores allocated now to the driver and executors">
                Cores
              </th>
              <th scope="col" title="Σ executor cores × uptime">
                Core Hours
              </th>
              <th scope="col" title="Task time ÷ executor core time">
                Efficiency
              </th>
              <th scope="col">Data read</th>
              <th scope="col">Data written</th>
              <th scope="col">Issues</th>
              {sortHeader("cost", "Cloud Cost")}
              {canKill && <th scope="col">Action</th>}
            </tr>
          </thead>
          <tbody>
            {data?.page.map((app) => (
              <AppRow key={app.id} app={app} now={now} canKill={canKill} onKill={() => setKilling(app)} />
            ))}
          </tbody>
        </table>
      </div>
      {data && data.page.length === 0 && <p>No applications{filtered ? " match these filters" : " yet"}.</p>}
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={!data?.before} onClick={() => setParams({ before: data?.before, after: undefined }, false)}>
          Previous page
        </button>
        <button type="button" disabled={!data?.after} onClick={() => setParams({ after: data?.after, before: undefined }, false)}>
          Next page
        </button>
      </nav>
      {killing && (
        <KillDialog
          app={killing}
          onClose={(killed) => {
            setKilling(null);
            if (killed) refresh.current();
          }}
        />
      )}
    </>
  );
}

function AppRow({ app, now, canKill, onKill }: { app: AppItem; now: number; canKill: boolean; onKill: () => void }) {
  const spark = app.metrics?.spark;
  const link = `/apps/${encodeURIComponent(app.clusterId)}/${encodeURIComponent(app.id)}`;
  return (
    <tr data-app-id={app.id} data-state={app.appState}>
      <td>
        <StateBadge state={app.appState} />
      </td>
      <td>
        <a href={link}>{app.displayName || app.id}</a>
        <div class="sub">
          {app.appType === "notebook" ? (
            "📓 Notebook"
          ) : (
            <a href={withQuery("/apps", { job: app.job.id })} aria-label={`Applications of job ${app.job.id}`}>
              {app.job.id}
            </a>
          )}
        </div>
      </td>
      <td>{app.clusterId}</td>
      <td data-volatile>{dateTimeText(app.createdAt)}</td>
      <td data-volatile>{durationText(appDurationSeconds(app, now))}</td>
      <td>{app.userId}</td>
      <td>{isTerminal(app.appState) ? "-" : app.cores}</td>
      <td>{coreHoursText(spark?.sparkCoresDurationSeconds)}</td>
      <td>{spark?.efficiencyPercent === undefined ? "-" : `${Math.round(spark.efficiencyPercent)} %`}</td>
      <td>{bytesText(spark?.inputDataBytes)}</td>
      <td>{bytesText(spark?.outputDataBytes)}</td>
      <td>{app.issuesCount ?? 0}</td>
      <td>{app.costInCents === undefined ? "…" : `$${(app.costInCents / 100).toFixed(2)}`}</td>
      {canKill && (
        <td>
          {!isTerminal(app.appState) && (
            <button type="button" class="danger" onClick={onKill} aria-label={`Kill ${app.id}`}>
              ⏹ Kill
            </button>
          )}
        </td>
      )}
    </tr>
  );
}

function Filters({ query, onChange }: { query: URLSearchParams; onChange: (c: Record<string, string | undefined>) => void }) {
  const [search, setSearch] = useState(query.get("q") ?? "");
  useEffect(() => setSearch(query.get("q") ?? ""), [query.get("q")]);
  useEffect(() => {
    if (search === (query.get("q") ?? "")) return;
    const t = window.setTimeout(() => onChange({ q: search || undefined }), 300);
    return () => window.clearTimeout(t);
  }, [search]);
  const field = (key: string, label: string, type: "text" | "number" | "date" = "text", placeholder = "") => (
    <label>
      {label}
      <input
        type={type as "text"}
        name={key}
        placeholder={placeholder}
        value={query.get(key) ?? ""}
        onChange={(e) => onChange({ [key]: (e.target as HTMLInputElement).value || undefined })}
      />
    </label>
  );
  return (
    <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
      <label class="search">
        Search
        <input
          type="search"
          name="q"
          placeholder="Filter by app name, app id, job name or job id"
          value={search}
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        Status
        <select name="state" value={query.get("state") ?? ""} onChange={(e) => onChange({ state: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="">All</option>
          {kAllStates.map((s) => (
            <option key={s} value={s}>
              {stateLabel(s).text}
            </option>
          ))}
        </select>
      </label>
      <label>
        Type
        <select name="type" value={query.get("type") ?? ""} onChange={(e) => onChange({ type: (e.target as HTMLSelectElement).value || undefined })}>
          <option value="">All</option>
          <option value="batch">Batch</option>
          <option value="notebook">Notebook</option>
        </select>
      </label>
      {field("user", "User ID", "number")}
      {field("job", "Job")}
      {field("from", "Created from", "date")}
      {field("to", "Created to", "date")}
    </form>
  );
}

function KillDialog({ app, onClose }: { app: AppItem; onClose: (killed: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  const kill = async () => {
    setBusy(true);
    try {
      await one("DELETE", `/ocean/spark/cluster/${encodeURIComponent(app.clusterId)}/app/${encodeURIComponent(app.id)}`);
      ref.current?.close();
      onClose(true);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} aria-labelledby="kill-title" onCancel={() => onClose(false)}>
      <h2 id="kill-title">Kill {app.id}?</h2>
      <p>The driver and its executors are stopped; the app ends KILLED. This cannot be undone.</p>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="actions">
        <button
          type="button"
          onClick={() => {
            ref.current?.close();
            onClose(false);
          }}
        >
          Cancel
        </button>
        <button type="button" class="danger" disabled={busy} onClick={kill}>
          Kill application
        </button>
      </div>
    </dialog>
  );
}
