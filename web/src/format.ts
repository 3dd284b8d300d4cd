// Formatting in Ocean's style ("5min 30sec", "30days 20h") and the app fields the pages share.

export interface AppItem {
  id: string;
  displayName: string;
  clusterId: string;
  userId: number;
  appState: string;
  appType: string;
  job: { id: string; displayName: string };
  cores: number;
  createdAt?: string;
  startedAt?: string;
  endedAt?: string;
  issuesCount?: number;
  metrics?: {
    spark?: {
      sparkCoresDurationSeconds?: number;
      inputDataBytes?: number;
      outputDataBytes?: number;
      efficiencyPercent?: number;
    };
  };
  costInCents?: number;
}

export const kTerminalStates = ["COMPLETED", "COMPLETED_WITH_WARNINGS", "FAILED", "KILLED", "TIMED_OUT"];
export const kAllStates = ["PENDING", "RUNNING", ...kTerminalStates];

export function isTerminal(state: string): boolean {
  return kTerminalStates.includes(state);
}

export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "-";
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const hours = Math.floor((s % 86400) / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const secs = s % 60;
  if (days > 0) return `${days}days ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}min`;
  if (minutes > 0) return `${minutes}min ${secs}sec`;
  return `${secs}sec`;
}

// Wall-clock duration: started (or created) to ended, or to now while running.
export function appDurationSeconds(app: AppItem, now: number): number {
  const start = Date.parse(app.startedAt ?? app.createdAt ?? "");
  if (Number.isNaN(start)) return NaN;
  const end = app.endedAt ? Date.parse(app.endedAt) : now;
  return Math.max(0, (end - start) / 1000);
}

export function coreHoursText(coreSeconds: number | undefined): string {
  if (coreSeconds === undefined) return "-";
  if (coreSeconds < 3600) {
    const m = Math.floor(coreSeconds / 60);
    const s = Math.round(coreSeconds % 60);
    return m > 0 ? `${m}min ${s}s` : `${s}s`;
  }
  return `${(coreSeconds / 3600).toFixed(1)} h`;
}

export function bytesText(bytes: number | undefined): string {
  if (bytes === undefined) return "-";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function dateTimeText(iso: string | undefined): string {
  if (!iso) return "-";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "-";
  return d.toISOString().replace("T", " ").slice(0, 19);
}

export function stateLabel(state: string): { icon: string; text: string; tone: string } {
  switch (state) {
    case "PENDING":
      return { icon: "◌", text: "Pending", tone: "running" };
    case "RUNNING":
      return { icon: "◐", text: "Running", tone: "running" };
    case "COMPLETED":
      return { icon: "✓", text: "Completed", tone: "ok" };
    case "COMPLETED_WITH_WARNINGS":
      return { icon: "⚠", text: "Completed with warnings", tone: "warn" };
    case "FAILED":
      return { icon: "✕", text: "Failed", tone: "bad" };
    case "KILLED":
      return { icon: "■", text: "Killed", tone: "bad" };
    case "TIMED_OUT":
      return { icon: "⧗", text: "Timed out", tone: "bad" };
    default:
      return { icon: "?", text: state, tone: "" };
  }
}
