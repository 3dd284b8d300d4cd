// The console end to end: real server, real Spark apps, real Chromium.
//   node --test web/tests/          (SPARKPLANE_BIN defaults to build/release/sparkplane)
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { join } from "node:path";

import { axeViolations, fixtures, launchBrowser, newPage, repoRoot, signIn, startServer, waitFor } from "./harness.mjs";

let server;
let browser;
let pi;
let sleeper;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  pi = await server.submit("pi", join(repoRoot, "examples", "python", "pi.py"), ["2"]);
  sleeper = await server.submit("sleeper", join(fixtures, "sleep.py"), ["600"]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe("serving", () => {
  test("pages fall back to index.html with a CSP and no caching; assets are immutable and gzipped", async () => {
    const page = await fetch(server.url + "/apps/osc-x/app-y");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("cache-control"), "no-cache");
    const csp = page.headers.get("content-security-policy");
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    const html = await page.text();
    const script = html.match(/src="(\/assets\/main-[A-Z0-9]+\.js)"/)[1];
    const asset = await fetch(server.url + script, { headers: { "Accept-Encoding": "gzip" } });
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.equal(asset.headers.get("content-encoding"), "gzip");
    assert.equal((await fetch(server.url + "/assets/main-GONE.js")).status, 404);
    assert.equal((await fetch(server.url + "/ocean/spark/app")).status, 401);
  });
});

describe("sign-in", () => {
  test("a wrong token is refused; the admin token signs in with an HttpOnly SameSite=Strict cookie", async () => {
    const page = await newPage(browser);
    page.expectedErrors.push(/status of 401/);
    await page.goto(server.url + "/apps?state=RUNNING");
    await page.getByLabel("API token").fill("sp_not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
    assert.deepEqual(await axeViolations(page), []);

    await page.getByLabel("API token").fill(server.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { level: 1, name: /Applications/ }).waitFor();
    assert.match(page.url(), /\/apps\?state=RUNNING$/, "returns to the page asked for");
    const [cookie] = await page.context().cookies();
    assert.equal(cookie.name, "sp_session");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
    assert.ok(cookie.expires > Date.now() / 1000, "the cookie expires");
    assert.ok(!cookie.value.includes(server.token));
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("the API keeps Bearer tokens; a wrong cookie is 401; a cookie write without the CSRF token is 403", async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    const [cookie] = await page.context().cookies();
    const withCookie = (value, extra = {}) => ({ headers: { Cookie: `sp_session=${value}`, ...extra } });
    assert.equal((await server.api("GET", "/ocean/spark/app")).status, 200);
    assert.equal((await fetch(server.url + "/ocean/spark/app", withCookie(cookie.value))).status, 200);
    assert.equal((await fetch(server.url + "/ocean/spark/app", withCookie("forged"))).status, 401);
    const kill = `/ocean/spark/cluster/${server.cluster}/app/${pi.id}`;
    const noCsrf = await fetch(server.url + kill, { method: "DELETE", ...withCookie(cookie.value) });
    assert.equal(noCsrf.status, 403);
    assert.match((await noCsrf.json()).response.errors[0].message, /X-CSRF-Token/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("sign-out revokes the session", async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    const [cookie] = await page.context().cookies();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("You are signed out.").waitFor();
    const old = await fetch(server.url + "/ocean/spark/app", { headers: { Cookie: `sp_session=${cookie.value}` } });
    assert.equal(old.status, 401);
    await page.goto(server.url + "/apps");
    await page.getByLabel("API token").waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});

describe("applications", () => {
  test("the list shows the submitted apps; filters narrow it and live in the URL", async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    const rows = page.locator("tbody tr");
    await page.locator(`tr[data-app-id="${pi.id}"]`).waitFor();
    await page.locator(`tr[data-app-id="${sleeper.id}"]`).waitFor();
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await axeViolations(page), []);

    await page.getByRole("textbox", { name: "Job", exact: true }).fill("pi");
    await page.getByRole("textbox", { name: "Job", exact: true }).press("Enter");
    await page.getByRole("textbox", { name: "Job", exact: true }).blur();
    await waitFor("the job filter to apply", async () => (await rows.count()) === 1);
    assert.equal(await rows.first().getAttribute("data-app-id"), pi.id);
    assert.match(page.url(), /job=pi/);

    await page.reload();
    await page.locator(`tr[data-app-id="${pi.id}"]`).waitFor();
    assert.equal(await rows.count(), 1, "the filter survives a reload");
    assert.equal(await page.getByRole("textbox", { name: "Job", exact: true }).inputValue(), "pi");

    await page.goto(server.url + "/apps?q=" + sleeper.id);
    await page.locator(`tr[data-app-id="${sleeper.id}"]`).waitFor();
    assert.equal(await rows.count(), 1, "free-text search by app id");

    await page.goto(server.url + "/apps?state=KILLED");
    await page.getByText("No applications match these filters.").waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("sorting is server-side and shown with aria-sort", async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.locator("tbody tr").nth(1).waitFor();
    const created = page.getByRole("columnheader", { name: /Created at/ });
    assert.equal(await created.getAttribute("aria-sort"), "descending");
    const newestFirst = await page.locator("tbody tr").first().getAttribute("data-app-id");
    assert.equal(newestFirst, sleeper.id);
    await created.getByRole("button").click();
    await waitFor("ascending order", async () => (await page.locator("tbody tr").first().getAttribute("data-app-id")) === pi.id);
    assert.equal(await created.getAttribute("aria-sort"), "ascending");
    assert.match(page.url(), /sort=created&order=asc|order=asc/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("rows update live: a new app appears and turns Completed without a reload", async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.locator(`tr[data-app-id="${pi.id}"]`).waitFor();
    const late = await server.submit("pi", join(repoRoot, "examples", "python", "pi.py"), ["1"]);
    const row = page.locator(`tr[data-app-id="${late.id}"]`);
    await row.waitFor({ timeout: 15000 });
    await waitFor("the new row to show Completed", async () => (await row.getAttribute("data-state")) === "COMPLETED", 240);
    assert.match(await row.innerText(), /Completed/);
    assert.match(await row.innerText(), /\d+ %/, "efficiency");
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});

describe("app page", () => {
  test("a finished app shows its tiles, info, configuration with sources, issues and drawn charts", async () => {
    await server.waitState(pi.id, ["COMPLETED"], 240);
    const page = await newPage(browser);
    await signIn(page, server);
    await page.locator(`tr[data-app-id="${pi.id}"]`).getByRole("link", { name: pi.displayName || pi.id }).click();
    await page.getByRole("heading", { level: 1, name: new RegExp(pi.displayName || pi.id) }).waitFor();
    assert.match(page.url(), new RegExp(`/apps/${server.cluster}/${pi.id}$`));
    for (const tile of ["Cloud Compute Cost", "Core Hours", "Data Read", "Data Written", "Duration", "Efficiency Score"]) {
      await page.locator(".tile", { hasText: tile }).waitFor();
    }
    assert.match(await page.locator(".tile", { hasText: "Efficiency Score" }).innerText(), /\d+ %/);
    assert.match(await page.locator(".info-grid").innerText(), new RegExp(pi.id));
    assert.deepEqual(await axeViolations(page), []);

    // Tabs are keyboard operable and the tab is in the URL.
    await page.getByRole("tab", { name: "Overview" }).focus();
    await page.keyboard.press("ArrowRight");
    await page.getByRole("tab", { name: "Insights", selected: true }).waitFor();
    assert.match(page.url(), /tab=insights/);
    const breakdown = page.locator("#chart-breakdown");
    await breakdown.locator("canvas").waitFor();
    assert.match(await breakdown.getAttribute("aria-label"), /peak \d+ cores: .*% of core time/);
    assert.match(await page.locator("#chart-cores").getAttribute("aria-label"), /Peak \d+ allocated executor cores and \d+ running tasks/);
    await page.locator("#chart-cores canvas").waitFor();
    assert.match(await page.locator(".gantt canvas").getAttribute("aria-label"), /[1-9]\d* jobs and [1-9]\d* stages/);
    assert.deepEqual(await axeViolations(page), []);

    await page.keyboard.press("End");
    await page.getByRole("tab", { name: /Spark Issues/, selected: true }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await page.getByRole("tab", { name: "Configuration" }).click();
    const config = page.getByLabel("Merged application configuration");
    await config.waitFor();
    assert.equal(await config.locator(".source").count(), 0);
    await page.getByRole("button", { name: "Show sources" }).click();
    await waitFor("source badges", async () => (await config.locator(".source").count()) > 0);
    const badges = await config.locator(".source").allInnerTexts();
    assert.ok(badges.includes("override"), `badges: ${[...new Set(badges)]}`);
    assert.ok(badges.includes("default"), `badges: ${[...new Set(badges)]}`);
    assert.deepEqual(await axeViolations(page), []);

    await page.reload();
    await page.getByRole("tab", { name: "Configuration", selected: true }).waitFor();
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a finished app's log search finds a line with its match count", async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/apps/${server.cluster}/${pi.id}?tab=logs`);
    await page.getByLabel("Driver log").filter({ hasText: "Pi is roughly" }).waitFor();
    await page.getByLabel("Search by keyword").fill("pi is ROUGHLY");
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByRole("status").filter({ hasText: "1 line matches" }).waitFor();
    assert.match(await page.locator(".matches").innerText(), /Pi is roughly 3\.\d+/);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("a live app's log tail grows", async () => {
    await server.waitState(sleeper.id, ["RUNNING"], 180);
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(`${server.url}/apps/${server.cluster}/${sleeper.id}?tab=logs`);
    const log = page.getByLabel("Driver log");
    await waitFor("a first tick", async () => /sleeper tick \d{5}/.test(await log.innerText()), 120);
    const ticks = async () => [...(await log.innerText()).matchAll(/sleeper tick (\d{5})/g)].map((m) => Number(m[1]));
    const first = Math.max(...(await ticks()));
    await waitFor("the tail to grow by 4 ticks", async () => Math.max(...(await ticks())) >= first + 4, 30);
    await page.getByRole("tab", { name: "Insights" }).click();
    await page.locator("#chart-breakdown canvas").waitFor({ timeout: 60000 });
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});

describe("jobs and cluster", () => {
  test("the jobs list has a sparkline per job; a job page shows one trend point per run", async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.getByRole("link", { name: "Jobs", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: /Jobs/ }).waitFor();
    const row = page.locator('tr[data-job-id="pi"]');
    await row.waitFor();
    assert.match(await row.getByRole("img").getAttribute("aria-label"), /^2 run durations/);
    assert.deepEqual(await axeViolations(page), []);
    await row.getByRole("link", { name: "pi", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "pi" }).waitFor();
    const trend = page.locator("#chart-trend");
    await trend.locator("canvas").waitFor();
    assert.equal(await trend.getAttribute("data-points"), "2");
    assert.match(await trend.getAttribute("aria-label"), /^2 runs; median duration/);
    assert.equal(await page.locator("table.runs tbody tr").count(), 2);
    await page.locator(".tile", { hasText: "Median Duration" }).waitFor();
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

  test("the cluster page shows status counts linking to the list, and its charts", async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    await page.goto(server.url + "/cluster");
    await page.getByRole("heading", { level: 1, name: new RegExp(server.cluster) }).waitFor();
    const completed = page.getByRole("link", { name: /applications completed$/ });
    await waitFor("the completed count", async () => /^2 applications completed$/.test(await completed.getAttribute("aria-label")));
    await page.locator("#chart-load canvas").waitFor();
    await page.locator("#chart-completion canvas").waitFor();
    assert.match(await page.locator("#chart-completion").getAttribute("aria-label"), /^2 completed/);
    assert.deepEqual(await axeViolations(page), []);
    await page.getByRole("button", { name: "7 Days" }).click();
    await waitFor("the window in the URL", async () => /window=7d/.test(page.url()));
    await completed.click();
    await page.getByRole("heading", { level: 1, name: /Applications/ }).waitFor();
    assert.match(page.url(), /state=COMPLETED/);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });
});

describe("kill", () => {
  test("a running app's row updates live; Kill asks first and the app ends KILLED", async () => {
    const page = await newPage(browser);
    await signIn(page, server);
    const row = page.locator(`tr[data-app-id="${sleeper.id}"]`);
    await waitFor("the sleeper row to show Running", async () => (await row.getAttribute("data-state")) === "RUNNING", 180);
    await row.getByRole("button", { name: `Kill ${sleeper.id}` }).click();
    const dialog = page.getByRole("dialog", { name: `Kill ${sleeper.id}?` });
    await dialog.waitFor();
    assert.deepEqual(await axeViolations(page), []);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    assert.equal((await server.app(sleeper.id)).appState, "RUNNING", "Cancel kills nothing");

    await row.getByRole("button", { name: `Kill ${sleeper.id}` }).click();
    await dialog.getByRole("button", { name: "Kill application" }).click();
    await server.waitState(sleeper.id, ["KILLED"], 120);
    await waitFor("the row to show Killed", async () => (await row.getAttribute("data-state")) === "KILLED", 30);
    assert.equal(await row.getByRole("button", { name: /Kill/ }).count(), 0);
    assert.deepEqual(page.errors, []);
    await page.context().close();
  });

});
