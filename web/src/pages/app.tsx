// One application: Overview (Ocean's six tiles and App Info), Insights (charts, loaded lazily
// with uPlot), Logs (live tail and server-side search), Configuration (merged spec with a source
// badge per key) and Spark Issues. The tab is in the URL (?tab=…). While the app runs the page
// refreshes every 2 s.
import { useEffect, useRef, useState } from "preact/hooks";
import type { ComponentType } from "preact";

import { ApiError, call, one } from "../api";
import { appDurationSeconds, bytesText, coreHoursText, dateTimeText, durationText, isTerminal } from "../format";
import type { AppItem } from "../format";
import type { PageProps } from "../main";
import { navigate, withQuery } from "../router";
import { StateBadge, Tabs, Tile } from "../widgets";

export interface AppDetail extends AppItem {
  config?: Record<string, unknown>;
  configSources?: Record<string, string>;
  configurationTemplate?: { id: string };
  errorMessage?: string;
  sparkAppId?: string;
}

interface Issue {
  errorType?: string;
  severity?: string;
  abstract?: string;
  stacktrace?: string;
}

const kTabs = ["overview", "insights", "logs", "configuration", "issues"] as const;
type Tab = (typeof kTabs)[number];

export default function AppPage({ location }: PageProps) {
  const [, , cluster = "", id = ""] = location.path.split("/").map(decodeURIComponent);
  const base = `/ocean/spark/cluster/${encodeURIComponent(cluster)}/app/${encodeURIComponent(id)}`;
  const [app, setApp] = useState<AppDetail | null>(null);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState("");
  const [now, setNow] = useState(Date.now());
  const requested = location.query.get("tab") as Tab | null;
  const tab: Tab = requested && kTabs.includes(requested) ? requested : "overview";

  useEffect(() => {
    let live = true;
    let timer = 0;
    const load = async () => {
      try {
        const [detail, found] = await Promise.all([one<AppDetail>("GET", base), call<Issue>("GET", `${base}/issues`)]);
        if (!live) return;
        setApp(detail);
        setIssues(found);
        setNow(Date.now());
        setError("");
        if (!isTerminal(detail.appState)) timer = window.setTimeout(load, 2000);
      } catch (e) {
        if (!live) return;
        setError(e instanceof ApiError ? e.message : String(e));
        if (!(e instanceof ApiError && e.status === 404)) timer = window.setTimeout(load, 5000);
      }
    };
    load();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [base]);

  useEffect(() => {
    if (app) document.title = `${app.displayName || app.id} · sparkplane`;
  }, [app?.id]);

  if (!app) {
    return (
      <>
        <h1>Application {id}</h1>
        {error ? (
          <p role="alert" class="error">
            {error}
          </p>
        ) : (
          <p aria-busy="true">Loading…</p>
        )}
      </>
    );
  }

  const tabs = [
    { id: "overview", label: "Overview" },
    { id: "insights", label: "Insights" },
    { id: "logs", label: "Logs" },
    { id: "configuration", label: "Configuration" },
    {
      id: "issues",
      label: (
        <>
          Spark Issues <span class="badge">{issues.length}</span>
        </>
      ),
    },
  ];
  return (
    <>
      <nav aria-label="Breadcrumb" class="breadcrumb">
        <a href="/apps">Applications</a> /
      </nav>
      <h1 class="app-title">
        {app.displayName || app.id} <StateBadge state={app.appState} />
      </h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <Tabs
        label="Application"
        idPrefix="app"
        tabs={tabs}
        selected={tab}
        onSelect={(t) => navigate(withQuery(location.path, { tab: t === "overview" ? undefined : t }), { replace: true })}
      />
      <section role="tabpanel" id="app-panel" aria-labelledby={`app-tab-${tab}`} tabIndex={0} class="panel">
        {tab === "overview" && <Overview app={app} now={now} />}
        {tab === "insights" && <Lazy load={() => import("./app_insights")} props={{ base, app }} />}
        {tab === "logs" && <Logs base={base} app={app} />}
        {tab === "configuration" && <Configuration app={app} />}
        {tab === "issues" && <Issues issues={issues} />}
      </section>
    </>
  );
}

function Lazy<P extends object>({ load, props }: { load: () => Promise<{ default: ComponentType<P> }>; props: P }) {
  const [C, setC] = useState<ComponentType<P> | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    load()
      .then((m) => setC(() => m.default))
      .catch((e) => setError(String(e)));
  }, []);
  if (error) return <p role="alert">This view could not be loaded: {error}</p>;
  return C ? <C {...props} /> : <p aria-busy="true">Loading…</p>;
}

function Overview({ app, now }: { app: AppDetail; now: number }) {
  const spark = app.metrics?.spark;
  const efficiency = spark?.efficiencyPercent;
  return (
    <>
      <h2>Metrics</h2>
      <div class="tiles">
        <Tile label="Cloud Compute Cost" value={app.costInCents === undefined ? "…" : `$${(app.costInCents / 100).toFixed(2)}`} />
        <Tile label="Core Hours" value={coreHoursText(spark?.sparkCoresDurationSeconds)} definition="Σ executor cores × uptime" />
        <Tile label="Data Read" value={bytesText(spark?.inputDataBytes)} />
        <Tile label="Data Written" value={bytesText(spark?.outputDataBytes)} />
        <Tile label="Duration" value={durationText(appDurationSeconds(app, now))} />
        <Tile
          label="Efficiency Score"
          value={efficiency === undefined ? "-" : `${Math.round(efficiency)} %`}
          definition="The fraction of the time that Spark executor cores are running Spark tasks (task time ÷ executor core time)"
        />
      </div>
      <h2>App Info</h2>
      <dl class="info-grid">
        <dt>App Name</dt>
        <dd>{app.displayName || "-"}</dd>
        <dt>App ID</dt>
        <dd>
          <code>{app.id}</code>
        </dd>
        <dt>Spark App ID</dt>
        <dd>{app.sparkAppId ? <code>{app.sparkAppId}</code> : "-"}</dd>
        <dt>Job</dt>
        <dd>
          <a href={withQuery("/apps", { job: app.job.id })}>{app.job.id}</a>
        </dd>
        <dt>Cluster</dt>
        <dd>{app.clusterId}</dd>
        <dt>Created</dt>
        <dd>{dateTimeText(app.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{dateTimeText(app.startedAt)}</dd>
        <dt>Completed</dt>
        <dd>{isTerminal(app.appState) ? dateTimeText(app.endedAt) : "-"}</dd>
        <dt>Cores</dt>
        <dd>{isTerminal(app.appState) ? "-" : app.cores}</dd>
        <dt>User</dt>
        <dd>{app.userId}</dd>
        <dt>Status</dt>
        <dd>
          <StateBadge state={app.appState} />
        </dd>
        <dt>Config Template</dt>
        <dd>{app.configurationTemplate?.id ?? "-"}</dd>
      </dl>
      {app.errorMessage && (
        <>
          <h2>Error</h2>
          <pre class="log" tabIndex={0} aria-label="Error message">
            {app.errorMessage}
          </pre>
        </>
      )}
    </>
  );
}

// The driver log: the text so far, then (while the app runs) the live tail streamed from
// log/live?follow=true. Search runs on the server over the whole file.
function Logs({ base, app }: { base: string; app: AppDetail }) {
  const [text, setText] = useState("");
  const [status, setStatus] = useState("");
  const [query, setQuery] = useState("");
  const [result, setResult] = useState<{ query: string; matches: number; truncated: boolean; lines: { line: number; text: string }[] } | null>(null);
  const [searchError, setSearchError] = useState("");
  const pre = useRef<HTMLPreElement>(null);
  const running = !isTerminal(app.appState);

  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      try {
        const reply = await fetch(`${base}/log/live${running ? "?follow=true" : ""}`, {
          credentials: "same-origin",
          signal: abort.signal,
        });
        if (!reply.ok || !reply.body) {
          setStatus(`The log could not be read (HTTP ${reply.status}).`);
          return;
        }
        setStatus(running ? "Streaming live" : "");
        const reader = reply.body.pipeThrough(new TextDecoderStream()).getReader();
        let all = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          all += value;
          // Keep the last 2 MB in the page; the download has everything.
          if (all.length > 2_000_000) all = all.slice(all.length - 2_000_000);
          setText(all);
        }
        setStatus("");
      } catch (e) {
        if (!abort.signal.aborted) setStatus(`An unexpected error happened while fetching the logs (${String(e)}); reload the page.`);
      }
    })();
    return () => abort.abort();
  }, [base, running]);

  useEffect(() => {
    const el = pre.current;
    if (el && el.scrollHeight - el.scrollTop - el.clientHeight < 80) el.scrollTop = el.scrollHeight;
  }, [text]);

  const search = async (e: Event) => {
    e.preventDefault();
    if (!query.trim()) return;
    setSearchError("");
    try {
      setResult(await one("GET", withQuery(`${base}/log/search`, { q: query.trim() })));
    } catch (err) {
      setSearchError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <>
      <h2>Driver Logs</h2>
      <form class="log-search" role="search" onSubmit={search}>
        <label for="log-query">Search by keyword</label>
        <input id="log-query" type="search" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
        <button type="submit">Search</button>
        {!running && (
          <a class="button" href={`${base}/log/archive`} download>
            ⤓ Download
          </a>
        )}
      </form>
      {searchError && (
        <p role="alert" class="error">
          {searchError}
        </p>
      )}
      {result && (
        <div class="search-result">
          <p role="status">
            {result.matches} {result.matches === 1 ? "line matches" : "lines match"} “{result.query}”
            {result.truncated ? ` (first ${result.lines.length} shown)` : ""}
          </p>
          <ol class="matches">
            {result.lines.map((l) => (
              <li key={l.line}>
                <span class="line-no">{l.line}</span> <code>{l.text}</code>
              </li>
            ))}
          </ol>
        </div>
      )}
      {status && <p class="muted">{status}</p>}
      <pre class="log" ref={pre} tabIndex={0} aria-label="Driver log" data-volatile>
        {text || "(empty so far)"}
      </pre>
    </>
  );
}

const kSourceBadges: [RegExp, string][] = [
  [/^configOverrides/, "override"],
  [/^jobConfig/, "job"],
  [/^autoTuning/, "auto-tune"],
  [/^template/, "template"],
  [/^platformDefaults/, "default"],
  [/^runtime/, "runtime"],
];

function badgeFor(source: string): string {
  return kSourceBadges.find(([re]) => re.test(source))?.[1] ?? source;
}

// The merged spec as indented JSON; with "Show sources" each leaf carries its layer's badge.
function Configuration({ app }: { app: AppDetail }) {
  const [sources, setSources] = useState(false);
  const lines: { indent: number; text: string; pointer?: string }[] = [];
  const escape = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
  const walk = (value: unknown, pointer: string, indent: number, prefix: string, comma: string) => {
    if (value && typeof value === "object") {
      const isArray = Array.isArray(value);
      const entries = isArray ? (value as unknown[]).map((v, i) => [String(i), v] as const) : Object.entries(value as object);
      if (entries.length === 0) {
        lines.push({ indent, text: `${prefix}${isArray ? "[]" : "{}"}${comma}`, pointer });
        return;
      }
      lines.push({ indent, text: `${prefix}${isArray ? "[" : "{"}` });
      entries.forEach(([k, v], i) => {
        const childPrefix = isArray ? "" : `${JSON.stringify(k)}: `;
        walk(v, `${pointer}/${escape(k)}`, indent + 1, childPrefix, i < entries.length - 1 ? "," : "");
      });
      lines.push({ indent, text: `${isArray ? "]" : "}"}${comma}` });
      return;
    }
    lines.push({ indent, text: `${prefix}${JSON.stringify(value)}${comma}`, pointer });
  };
  walk(app.config ?? {}, "", 0, "", "");
  const sourceOf = (pointer?: string) => {
    if (!pointer || !app.configSources) return undefined;
    // Arrays and one-choice objects are recorded at their own pointer, not their leaves.
    for (let p = pointer; p; p = p.slice(0, p.lastIndexOf("/"))) if (app.configSources[p]) return app.configSources[p];
    return undefined;
  };
  return (
    <>
      <h2>Configuration</h2>
      <p>
        <button type="button" aria-pressed={sources} onClick={() => setSources(!sources)}>
          {sources ? "Hide sources" : "Show sources"}
        </button>
      </p>
      <pre class="config" aria-label="Merged application configuration" tabIndex={0}>
        {lines.map((l, i) => {
          const source = sources ? sourceOf(l.pointer) : undefined;
          return (
            <div key={i} class="config-line">
              {"  ".repeat(l.indent)}
              {l.text}
              {source && (
                <span class={`source source-${badgeFor(source)}`} title={source}>
                  {badgeFor(source)}
                </span>
              )}
            </div>
          );
        })}
      </pre>
    </>
  );
}

function Issues({ issues }: { issues: Issue[] }) {
  if (issues.length === 0) return <p>No Spark issues were found in this app's driver log.</p>;
  return (
    <ul class="issues">
      {issues.map((issue, i) => {
        const error = (issue.severity ?? "").toUpperCase() === "ERROR";
        return (
          <li key={i} class={`issue ${error ? "bad" : "warn"}`}>
            <details>
              <summary>
                <span aria-hidden="true">{error ? "!" : "⚠"}</span> {error ? "Error" : "Warning"}: {issue.abstract ?? issue.errorType}
              </summary>
              {issue.stacktrace && (
                <pre class="log" tabIndex={0} aria-label="Stack trace">
                  {issue.stacktrace}
                </pre>
              )}
            </details>
          </li>
        );
      })}
    </ul>
  );
}
