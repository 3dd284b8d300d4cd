// Checks the console's size budgets from esbuild's metafile (web/build.mjs writes DIR/meta.json):
// initial JS (the entry and everything it imports statically) <= 60 KB gzip, each lazily loaded
// route (a dynamic import and what it adds) <= 30 KB gzip, CSS <= 15 KB gzip. Exits 1 when over.
//   node scripts/budget.mjs DIR/meta.json
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, constants } from "node:zlib";

const kInitialJs = 60 * 1024;
const kLazyRoute = 30 * 1024;
const kCss = 15 * 1024;

const webDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const metaPath = process.argv[2];
if (!metaPath) {
  console.error("usage: node scripts/budget.mjs DIR/meta.json");
  process.exit(2);
}
const { outputs } = JSON.parse(readFileSync(metaPath, "utf8"));
const gz = (name) => gzipSync(readFileSync(join(webDir, name)), { level: constants.Z_BEST_COMPRESSION }).length;

function closure(start, skip) {
  const seen = new Set();
  const stack = [start];
  while (stack.length) {
    const name = stack.pop();
    if (seen.has(name) || skip.has(name)) continue;
    seen.add(name);
    for (const i of outputs[name]?.imports ?? []) if (i.kind === "import-statement") stack.push(i.path);
  }
  return seen;
}
const sum = (names) => [...names].reduce((n, name) => n + gz(name), 0);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

const entry = Object.keys(outputs).find((name) => outputs[name].entryPoint === "src/main.tsx");
const initial = closure(entry, new Set());
const failures = [];
const initialSize = sum(initial);
console.log(`initial JS: ${kb(initialSize)} gzip (budget ${kb(kInitialJs)}) in ${initial.size} files`);
if (initialSize > kInitialJs) failures.push(`initial JS ${kb(initialSize)} > ${kb(kInitialJs)}`);

const lazy = new Set();
for (const name of Object.keys(outputs)) {
  for (const i of outputs[name].imports ?? []) if (i.kind === "dynamic-import") lazy.add(i.path);
}
for (const route of [...lazy].sort()) {
  const size = sum(closure(route, initial));
  const source = outputs[route]?.entryPoint ?? route;
  console.log(`lazy route ${source}: ${kb(size)} gzip (budget ${kb(kLazyRoute)})`);
  if (size > kLazyRoute) failures.push(`lazy route ${source} ${kb(size)} > ${kb(kLazyRoute)}`);
}
for (const name of Object.keys(outputs).filter((n) => n.endsWith(".css"))) {
  const size = gz(name);
  console.log(`css ${name.split("/").pop()}: ${kb(size)} gzip (budget ${kb(kCss)})`);
  if (size > kCss) failures.push(`css ${name} ${kb(size)} > ${kb(kCss)}`);
}
if (failures.length) {
  console.error(`over budget:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log("budgets: ok");
