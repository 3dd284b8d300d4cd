// The console's shell: session check, the chrome (skip link, navigation, sign-out) and the routes.
// Pages other than sign-in are loaded lazily, each as a chunk of its own.
import "uplot/dist/uPlot.min.css";
import "./style.css";

import { render } from "preact";
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";

import { setUnauthenticatedHandler } from "./api";
import { navigate, onLinkClick, useLocation, withQuery } from "./router";
import type { Location } from "./router";
import { currentSession, signOut } from "./session";
import type { Session } from "./session";
import { SignInPage } from "./pages/sign_in";

export interface PageProps {
  location: Location;
  session: Session;
}

type PageModule = { default: ComponentType<PageProps> };

interface Route {
  match: RegExp;
  title: string;
  load: () => Promise<PageModule>;
}

const kRoutes: Route[] = [
  { match: /^\/(apps\/?)?$/, title: "Applications", load: () => import("./pages/apps") },
  { match: /^\/apps\/[^/]+\/[^/]+\/?$/, title: "Application", load: () => import("./pages/app") },
  { match: /^\/jobs\/?$/, title: "Jobs", load: () => import("./pages/jobs") },
  { match: /^\/cluster\/?$/, title: "Cluster", load: () => import("./pages/cluster") },
  { match: /^\/jobs\/[^/]+\/[^/]+\/?$/, title: "Job", load: () => import("./pages/job") },
];

const kNav = [
  { href: "/apps", label: "Applications" },
  { href: "/jobs", label: "Jobs" },
  { href: "/cluster", label: "Cluster" },
];

function LazyPage(props: PageProps & { route: Route }) {
  const [loaded, setLoaded] = useState<{ route: Route; page: ComponentType<PageProps> } | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let live = true;
    props.route
      .load()
      .then((m) => live && setLoaded({ route: props.route, page: m.default }))
      .catch((e) => live && setError(String(e)));
    return () => {
      live = false;
    };
  }, [props.route]);
  if (error) return <p role="alert">This page could not be loaded: {error}. Reload the page.</p>;
  if (!loaded || loaded.route !== props.route) return <p aria-busy="true">Loading…</p>;
  const Page = loaded.page;
  return <Page location={props.location} session={props.session} />;
}

function Shell() {
  const location = useLocation();
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  useEffect(() => {
    currentSession().then(setSession);
    setUnauthenticatedHandler(() => {
      setSession(null);
    });
  }, []);

  const route = kRoutes.find((r) => r.match.test(location.path));
  useEffect(() => {
    document.title = session && route ? `${route.title} · sparkplane` : "Sign in · sparkplane";
  }, [session, route]);

  if (session === undefined) return <p aria-busy="true">Loading…</p>;
  if (session === null || location.path === "/signin") {
    const next = location.path === "/signin" ? location.query.get("next") : location.path + window.location.search;
    return (
      <SignInPage
        reason={location.query.get("reason") ?? ""}
        onSignedIn={(s) => {
          setSession(s);
          navigate(next && next.startsWith("/") && !next.startsWith("/signin") ? next : "/apps", { replace: true });
        }}
      />
    );
  }

  const doSignOut = async () => {
    try {
      await signOut();
    } finally {
      setSession(null);
      navigate(withQuery("/signin", { reason: "signed-out" }));
    }
  };

  return (
    <div class="shell" onClick={onLinkClick}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="/apps">
          sparkplane
        </a>
        <nav aria-label="Main">
          <ul>
            {kNav.map((n) => (
              <li key={n.href}>
                <a href={n.href} aria-current={location.path.startsWith(n.href) ? "page" : undefined}>
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="account">
          <span>
            {session.user} <span class="role">({session.role})</span>
          </span>
          <button type="button" onClick={doSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {route ? (
          <LazyPage route={route} location={location} session={session} />
        ) : (
          <>
            <h1>Page not found</h1>
            <p>
              Nothing lives at <code>{location.path}</code>. Go to the <a href="/apps">applications</a>.
            </p>
          </>
        )}
      </main>
    </div>
  );
}

render(<Shell />, document.getElementById("root")!);
