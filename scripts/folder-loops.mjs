// Fails when folders depend on each other in a loop (a -> b -> ... -> a), which module-level
// `no-circular` does not see. Reads dependency-cruiser's JSON (the same cruise as lint:deps).
import { spawnSync } from "node:child_process";

const cruise = spawnSync(
  "npx",
  ["depcruise", "functions", "shared", "local", "--config", ".dependency-cruiser.cjs", "--output-type", "json"],
  { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
);
if (cruise.status !== 0 && !cruise.stdout) {
  console.error(cruise.stderr);
  process.exit(1);
}
const folderOf = (path) => path.split("/").slice(0, -1).join("/");
const edges = new Map();
for (const m of JSON.parse(cruise.stdout).modules) {
  if (m.coreModule || m.source.includes("node_modules")) continue;
  const from = folderOf(m.source);
  for (const d of m.dependencies) {
    if (d.coreModule || d.resolved.includes("node_modules")) continue;
    const to = folderOf(d.resolved);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from).add(to);
  }
}

// Tarjan's strongly connected components: any component of more than one folder is a loop.
let index = 0;
const stack = [];
const info = new Map();
const loops = [];
function visit(v) {
  info.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of edges.get(v) ?? []) {
    if (!info.has(w)) {
      visit(w);
      info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
    } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
  }
  if (info.get(v).low === info.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      info.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) loops.push(component.sort());
  }
}
for (const v of edges.keys()) if (!info.has(v)) visit(v);

if (loops.length > 0) {
  for (const loop of loops) console.error(`folder loop: ${loop.join(" <-> ")}`);
  process.exit(1);
}
console.log(`no folder loops (${edges.size} folders)`);
