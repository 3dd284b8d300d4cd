// The console's only way to the server: same-origin fetches carrying the session cookie, with the
// session's CSRF token on every state-changing request. Replies are the Ocean envelope; errors
// become ApiError with the server's message.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = "";
let onUnauthenticated: () => void = () => {};

export function setCsrfToken(token: string) {
  csrfToken = token;
}

export function setUnauthenticatedHandler(handler: () => void) {
  onUnauthenticated = handler;
}

interface Envelope<T> {
  response: {
    items?: T[];
    errors?: { code: string; message: string }[];
  };
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T[]> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") headers["X-CSRF-Token"] = csrfToken;
  let reply: Response;
  try {
    reply = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, "UNAVAILABLE", `the server cannot be reached (${String(e)})`);
  }
  let parsed: Envelope<T> | undefined;
  try {
    parsed = (await reply.json()) as Envelope<T>;
  } catch {
    parsed = undefined;
  }
  if (!reply.ok) {
    const error = parsed?.response?.errors?.[0];
    if (reply.status === 401 && !path.startsWith("/console/session")) onUnauthenticated();
    throw new ApiError(reply.status, error?.code ?? "UNKNOWN", error?.message ?? `HTTP ${reply.status}`);
  }
  return parsed?.response?.items ?? [];
}

export async function one<T>(method: string, path: string, body?: unknown): Promise<T> {
  const items = await call<T>(method, path, body);
  if (items.length === 0) throw new ApiError(500, "INTERNAL", `${path} returned no item`);
  return items[0];
}
