// Runs every compiled test file with Node's test runner. Node 20 takes no globs, so the
// files are listed here; integration files start their own Azurite and local host.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? find(path) : path.endsWith(".test.js") ? [path] : [];
  });
}

const files = find("dist/tests").sort();
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...process.argv.slice(2), ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
