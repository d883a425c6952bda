import { parseXml, validateInvoiceXml } from "../../shared/systems/invoices/index.js";
import type { Benchmark, BenchOptions, BenchReport, Goal } from "../lib/types.js";
import { sampleInvoice, type SampleCountry } from "./sample-invoice.js";

/** Sizes from the issue: a typical invoice and a very large one. */
/** Sizes from the issue (a typical invoice, a very large one) and one between, to show the growth is linear. */
/** The last row has German parties: the Peppol national rules for Germany then apply too. */
const SIZES: readonly { lines: number; label: string; goalMs?: number; iterations: number; country?: SampleCountry }[] =
  [
    { lines: 10, label: "typical (10 lines)", goalMs: 10, iterations: 200 },
    { lines: 1_000, label: "1,000 lines", iterations: 15 },
    { lines: 4_000, label: "large (4,000 lines)", goalMs: 1_000, iterations: 7 },
    { lines: 4_000, label: "large, German parties (DE-R rules)", goalMs: 1_000, iterations: 7, country: "DE" },
  ];

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function time(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

const ms = (value: number) => (value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`);

/**
 * validateInvoiceXml (safe parse + every Peppol BIS 3 rule) against parseXml alone on the
 * same document in the same process, alternating per iteration so both see the same
 * machine load; each figure is the median of every timed call.
 */
export const benchmark: Benchmark = {
  id: "invoice-validate",
  title: "Invoice validation (Peppol BIS 3 rules) vs a bare parse of the same UBL invoice",
  async run(options: BenchOptions): Promise<BenchReport> {
    const rounds = Math.max(1, options.rounds);
    const table: string[][] = [["invoice", "size", "parseXml", "validateInvoiceXml", "rules on top", "ratio"]];
    const goals: Goal[] = [];
    const notes: string[] = [];
    const rulesMsPerLine = new Map<number, number>();
    for (const size of SIZES) {
      const xml = sampleInvoice(size.lines, size.country);
      const report = validateInvoiceXml(xml);
      if (!report.valid) throw new Error(`the ${size.label} sample is not valid: ${report.findings[0]?.ruleId}`);
      for (let i = 0; i < Math.min(size.iterations, 3); i++) {
        parseXml(xml);
        validateInvoiceXml(xml); // warm-up, not measured
      }
      const parse: number[] = [];
      const validate: number[] = [];
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < size.iterations; i++) {
          if ((round + i) % 2 === 0) {
            parse.push(time(() => parseXml(xml)));
            validate.push(time(() => validateInvoiceXml(xml)));
          } else {
            validate.push(time(() => validateInvoiceXml(xml)));
            parse.push(time(() => parseXml(xml)));
          }
        }
      }
      const p = median(parse);
      const v = median(validate);
      table.push([
        size.label,
        `${(Buffer.byteLength(xml) / 1024).toFixed(0)} KiB`,
        ms(p),
        ms(v),
        ms(v - p),
        `${(v / p).toFixed(2)}x`,
      ]);
      if (!size.country) rulesMsPerLine.set(size.lines, (v - p) / size.lines);
      if (size.goalMs !== undefined) {
        goals.push({
          label: `${size.label}: validateInvoiceXml <= ${size.goalMs} ms`,
          met: v <= size.goalMs,
          detail: `${ms(v)} (target <= ${size.goalMs} ms; the bare parse alone takes ${ms(p)})`,
        });
      }
      notes.push(
        `${size.label}: ${parse.length} timed calls each; validate min/max ${ms(Math.min(...validate))}/${ms(Math.max(...validate))}, parse min/max ${ms(Math.min(...parse))}/${ms(Math.max(...parse))}`,
      );
    }
    const perLine = (lines: number) => `${((rulesMsPerLine.get(lines) ?? 0) * 1000).toFixed(1)} µs`;
    notes.push(
      `rules per line: ${perLine(1_000)} at 1,000 lines, ${perLine(4_000)} at 4,000 lines (a quadratic rule would quadruple it)`,
      `${validateInvoiceXml(sampleInvoice(1)).ruleSet?.id} ${validateInvoiceXml(sampleInvoice(1)).ruleSet?.version}; every sample valid (no finding); two standard rates, Belgian parties (German in the last row), lines of ~650 bytes`,
      "in process, no child: the figure is the CPU time of one validation on this machine, GC included",
    );
    return { id: this.id, title: this.title, table, goals, notes };
  },
};
