// Runs the compiled test files with Node's test runner. Node 20 takes no globs, so the
// files are listed here; integration files start their own Azurite and local host.
// Arguments starting with "--" go to the runner; any other argument keeps only the files
// whose path contains it (`node scripts/run-tests.mjs unit/ esg-runs`).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? find(path) : path.endsWith(".test.js") ? [path] : [];
  });
}

const args = process.argv.slice(2);
const runnerOptions = args.filter((a) => a.startsWith("--"));
const filters = args.filter((a) => !a.startsWith("--"));
const files = find("dist/tests")
  .sort()
  .filter((f) => filters.length === 0 || filters.some((part) => f.includes(part)));
if (files.length === 0) {
  console.error(`No test file matches ${filters.join(", ")}`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...runnerOptions, ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
