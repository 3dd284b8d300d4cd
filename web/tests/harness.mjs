// Test harness for the console: the real sparkplane server (SPARKPLANE_BIN) on 127.0.0.1:0 with a
// fresh data folder, real Spark apps submitted through its API, and Debian's Chromium driven by
// playwright-core. Every page records page errors and console errors for the tests to assert on.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const fixtures = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

// Polls `probe` until it returns a truthy value; fails with `what` after `seconds`.
export async function waitFor(what, probe, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds}s waiting for ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startServer() {
  const binary = process.env.SPARKPLANE_BIN ?? join(repoRoot, "build", "release", "sparkplane");
  if (!existsSync(binary)) throw new Error(`no sparkplane binary at ${binary}: build first or set SPARKPLANE_BIN`);
  const dataDir = mkdtempSync(join(tmpdir(), "sp-console-"));
  const log = openSync(join(dataDir, "server.log"), "w");
  // The console's tests exercise the console, not the cluster: one local JVM per app, as the
  // API suites do (tests/sparkplane_server.py); tests/standalone covers the standalone runtime.
  const proc = spawn(binary, ["serve", "--listen", "127.0.0.1:0", "--data-dir", dataDir, "--runtime", "local"], {
    stdio: ["ignore", log, log],
  });
  const exited = new Promise((resolve) => proc.on("exit", resolve));
  const urlFile = join(dataDir, "server-url");
  await waitFor("the server to write server-url", () => {
    if (proc.exitCode !== null) throw new Error(`server exited: ${readFileSync(join(dataDir, "server.log"), "utf8")}`);
    return existsSync(urlFile);
  });
  const url = readFileSync(urlFile, "utf8").trim();
  const token = readFileSync(join(dataDir, "admin-token"), "utf8").trim();
  const server = {
    url,
    token,
    dataDir,
    async api(method, path, body, headers = {}) {
      const reply = await fetch(url + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await reply.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: reply.status, json, text, headers: reply.headers };
    },
    async items(method, path, body) {
      const r = await server.api(method, path, body);
      if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return r.json.response.items;
    },
    async submit(jobId, file, args = []) {
      const [app] = await server.items("POST", `/ocean/spark/cluster/${server.cluster}/app`, {
        jobId,
        configOverrides: { mainApplicationFile: file, arguments: args },
      });
      return app;
    },
    async app(id) {
      return (await server.items("GET", `/ocean/spark/cluster/${server.cluster}/app/${id}`))[0];
    },
    async waitState(id, states, seconds = 240) {
      return waitFor(`app ${id} to reach ${states}`, async () => {
        const app = await server.app(id);
        return states.includes(app.appState) && app;
      }, seconds);
    },
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await exited;
      }
      if (!process.env.KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  server.cluster = (await server.items("GET", "/ocean/spark/cluster"))[0].id;
  return server;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--font-render-hinting=none",
      "--force-color-profile=srgb",
    ],
  });
}

// A fresh context (no cookies) and page with deterministic settings; `page.errors` collects
// page errors and console errors, minus the ones a test says it expects.
export async function newPage(browser) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: "en-US",
    timezoneId: "UTC",
    reducedMotion: "reduce",
    colorScheme: "light",
  });
  const page = await context.newPage();
  page.errors = [];
  page.expectedErrors = [];
  page.on("pageerror", (e) => page.errors.push(`pageerror: ${e}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    if (page.expectedErrors.some((re) => re.test(text))) return;
    page.errors.push(`console: ${text}`);
  });
  return page;
}

export async function signIn(page, server) {
  await page.goto(server.url + "/apps");
  await page.getByLabel("API token").fill(server.token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: /Applications/ }).waitFor();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// Runs axe-core (WCAG 2 A and AA rules) on the page as it is now; returns the violations as
// readable lines (empty when there are none).
export async function axeViolations(page) {
  // Evaluated over the DevTools protocol: the console's CSP (rightly) refuses inline scripts.
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa"], resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
  });
  return violations.map((v) => `${v.id}: ${v.help} (${v.targets.join(", ")})`);
}
