// `npm run bench [-- [ids...] [--connections N] [--duration S] [--warmup S] [--rounds N] [--profile] [--no-docs]]`
//
// Runs every benchmark under bench/ (each a `*.bench.ts` exporting `benchmark`), one after
// another, prints their tables and which goals were met, and writes the figures into
// docs/benchmarks.md. It reports, it does not gate: missed goals still exit 0; only a
// benchmark that could not run at all exits 1.
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, platform, release, arch, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Benchmark, BenchOptions, BenchReport } from "./lib/types.js";

const benchDir = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const docsPath = join(repoRoot, "docs", "benchmarks.md");

interface Args {
  readonly ids: string[];
  readonly options: BenchOptions;
  readonly docs: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const ids: string[] = [];
  const numbers = { connections: 10, duration: 10, warmup: 2, rounds: 3 };
  let profile = false;
  let docs = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const name = arg.replace(/^--/, "");
    if (arg === "--profile") profile = true;
    else if (arg === "--no-docs") docs = false;
    else if (arg.startsWith("--") && name in numbers) {
      const value = Number(argv[++i]);
      if (!Number.isFinite(value) || value < (name === "warmup" ? 0 : 1)) throw new Error(`${arg} needs a number`);
      numbers[name as keyof typeof numbers] = value;
    } else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else ids.push(arg);
  }
  const profileDir = profile ? mkdtempSync(join(tmpdir(), "fip-bench-profile-")) : undefined;
  return {
    ids,
    docs,
    options: {
      connections: numbers.connections,
      durationSeconds: numbers.duration,
      warmupSeconds: numbers.warmup,
      rounds: numbers.rounds,
      ...(profileDir ? { profileDir } : {}),
    },
  };
}

function findBenchFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? findBenchFiles(path) : path.endsWith(".bench.js") ? [path] : [];
    })
    .sort();
}

async function loadBenchmarks(): Promise<Benchmark[]> {
  const benchmarks: Benchmark[] = [];
  for (const file of findBenchFiles(benchDir)) {
    const module = (await import(pathToFileURL(file).href)) as { benchmark?: Benchmark };
    if (!module.benchmark) throw new Error(`${file} does not export 'benchmark'`);
    benchmarks.push(module.benchmark);
  }
  return benchmarks;
}

function machine(): string {
  const cores = cpus();
  return `Node ${process.version}, ${platform()} ${release()} ${arch()}, ${cores.length} cores (${cores[0]?.model.trim() ?? "unknown CPU"}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM`;
}

function textTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: readonly string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  return [line(rows[0]!), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)].join("\n");
}

function markdownTable(rows: readonly (readonly string[])[]): string {
  const line = (r: readonly string[]) => `| ${r.join(" | ")} |`;
  return [
    line(rows[0]!),
    `|${rows[0]!.map((_, c) => (c === 0 ? " --- " : " ---: ")).join("|")}|`,
    ...rows.slice(1).map(line),
  ].join("\n");
}

function printReport(report: BenchReport): void {
  process.stdout.write(`\n== ${report.id}: ${report.title}\n`);
  if (report.skipped) {
    process.stdout.write(`SKIPPED: ${report.skipped}\n`);
    return;
  }
  process.stdout.write(`${textTable(report.table)}\n\nGoals:\n`);
  for (const goal of report.goals)
    process.stdout.write(`  ${goal.met ? "MET   " : "MISSED"}  ${goal.label}: ${goal.detail}\n`);
  for (const note of report.notes) process.stdout.write(`  note: ${note}\n`);
}

function docSection(report: BenchReport, command: string, options: BenchOptions, date: string): string {
  return [
    `Last run: ${date} with \`${command}\` on ${machine()}.`,
    `Load: autocannon, ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s measured per target, ${options.rounds} round(s)${options.rounds > 1 ? " (figures are medians over rounds)" : ""}.`,
    "",
    markdownTable(report.table),
    "",
    "Goals:",
    "",
    ...report.goals.map((g) => `- ${g.met ? "**met**" : "**missed**"}: ${g.label}: ${g.detail}`),
    ...(report.notes.length > 0 ? ["", "Notes:", "", ...report.notes.map((n) => `- ${n}`)] : []),
  ].join("\n");
}

function updateDocs(reports: readonly BenchReport[], command: string, options: BenchOptions): void {
  let text: string;
  try {
    text = readFileSync(docsPath, "utf8");
  } catch {
    text = "# Benchmarks\n\nRun with `npm run bench`; the runner rewrites the figures between the markers below.\n";
  }
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  for (const report of reports) {
    if (report.skipped) continue;
    const begin = `<!-- bench:${report.id}:begin -->`;
    const end = `<!-- bench:${report.id}:end -->`;
    const block = `${begin}\n${docSection(report, command, options, date)}\n${end}`;
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    text =
      from >= 0 && to > from
        ? text.slice(0, from) + block + text.slice(to + end.length)
        : `${text.trimEnd()}\n\n## ${report.title}\n\n${block}\n`;
  }
  writeFileSync(docsPath, text);
  process.stdout.write(`\nFigures written to ${docsPath}\n`);
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  const command = ["npm run bench", ...(argv.length > 0 ? ["--", ...argv] : [])].join(" ");
  const all = await loadBenchmarks();
  const unknown = args.ids.filter((id) => !all.some((b) => b.id === id));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark(s) ${unknown.join(", ")}; known: ${all.map((b) => b.id).join(", ")}`);
  const selected = args.ids.length > 0 ? all.filter((b) => args.ids.includes(b.id)) : all;
  process.stdout.write(`${machine()}\n`);
  if (args.options.profileDir)
    process.stdout.write(`CPU profiles of the server processes go to ${args.options.profileDir}\n`);
  const reports: BenchReport[] = [];
  let failed = false;
  for (const benchmark of selected) {
    process.stdout.write(`\n-- running ${benchmark.id}\n`);
    try {
      const report = await benchmark.run(args.options);
      reports.push(report);
      printReport(report);
    } catch (error) {
      failed = true;
      process.stderr.write(
        `${benchmark.id} could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
  }
  const missed = reports.flatMap((r) => r.goals.filter((g) => !g.met).map((g) => `${r.id}: ${g.label}`));
  process.stdout.write(
    missed.length > 0
      ? `\nGoals missed (reported, not gated):\n${missed.map((m) => `  - ${m}`).join("\n")}\n`
      : "\nAll goals met.\n",
  );
  if (args.docs && reports.some((r) => !r.skipped)) updateDocs(reports, command, args.options);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
