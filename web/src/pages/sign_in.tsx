// Sign-in: an API token (DATA_DIR/admin-token or `sparkplane token create`) is exchanged for an
// HttpOnly session cookie; the token itself is never stored by the browser.
import { useState } from "preact/hooks";

import { ApiError } from "../api";
import { signIn } from "../session";
import type { Session } from "../session";

export function SignInPage(props: { reason: string; onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      props.onSignedIn(await signIn(token.trim()));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="signin">
      <h1>Sign in to sparkplane</h1>
      {props.reason === "signed-out" && <p role="status">You are signed out.</p>}
      <form onSubmit={submit}>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="off"
          required
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        />
        <p class="hint">
          The first start saved an admin token to <code>sparkplane-data/admin-token</code>; <code>sparkplane token create</code>{" "}
          makes more.
        </p>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
      </form>
    </main>
  );
}
