// The signed-in session: the API token is exchanged once for an HttpOnly cookie; the console
// keeps only the session's CSRF token and the user's name and role in memory.
import { call, one, setCsrfToken } from "./api";

export interface Session {
  user: string;
  role: string;
  csrfToken: string;
  expiresAt: string;
}

const kPath = "/console/session";

export async function currentSession(): Promise<Session | null> {
  try {
    const session = await one<Session>("GET", kPath);
    setCsrfToken(session.csrfToken);
    return session;
  } catch {
    return null;
  }
}

export async function signIn(token: string): Promise<Session> {
  const session = await one<Session>("POST", kPath, { token });
  setCsrfToken(session.csrfToken);
  return session;
}

export async function signOut(): Promise<void> {
  await call("DELETE", kPath);
  setCsrfToken("");
}
