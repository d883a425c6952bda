// Verifies a downloaded backup, or restores it into an empty database (run after
// `npm run build`; the steps around it are in docs/restore.md):
//
//   node scripts/restore-backup.mjs verify  <backup.tar | folder> [--sha256 HEX]
//   node scripts/restore-backup.mjs restore <backup.tar | folder> [--sha256 HEX] --sqlite FILE
//   RESTORE_SQL_CONNECTION_STRING='Server=...;Database=...' \
//     node scripts/restore-backup.mjs restore <backup.tar | folder> [--sha256 HEX] --sql
//
// --sha256 is the backup's `sha256` from GET /api/v1/backups/{id} (the manifest's SHA-256);
// give it, so the check starts from what the platform logged and not from the file itself.
// Prints a JSON report; exits 0 when the backup is intact (verify) or restored and compared
// equal (restore), 1 otherwise, 2 on a usage error.
import { parseArgs } from "node:util";
import { restoreBackupFile, verifyBackupFile } from "../dist/shared/restore.js";

const USAGE =
  "usage: node scripts/restore-backup.mjs (verify | restore) <backup.tar | folder> [--sha256 HEX] [--sqlite FILE | --sql]";

function fail(message, code) {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { sha256: { type: "string" }, sqlite: { type: "string" }, sql: { type: "boolean" } },
  });
} catch (error) {
  fail(`${error.message}\n${USAGE}`, 2);
}
const [command, archive] = parsed.positionals;
const { sha256, sqlite, sql } = parsed.values;
if (!archive || (command !== "verify" && command !== "restore")) fail(USAGE, 2);
if (sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha256)) fail("--sha256 takes 64 hex digits", 2);
if (!sha256) process.stderr.write("warning: no --sha256 given; the manifest is checked against itself only\n");

try {
  if (command === "verify") {
    const { manifest, sha256: actual, problems } = await verifyBackupFile(archive, sha256);
    const report = {
      backupId: manifest.backupId,
      cutoffAt: manifest.cutoffAt,
      sha256: actual,
      intact: problems.length === 0,
      problems,
      sections: manifest.parts.map((p) => ({ section: p.section, rows: p.rows, sha256: p.sha256 })),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.exit(report.intact ? 0 : 1);
  }
  if (Boolean(sqlite) === Boolean(sql)) fail(`restore needs one target: --sqlite FILE or --sql\n${USAGE}`, 2);
  const connectionString = process.env.RESTORE_SQL_CONNECTION_STRING;
  if (sql && !connectionString) fail("--sql reads the connection string from RESTORE_SQL_CONNECTION_STRING", 2);
  const report = await restoreBackupFile(
    archive,
    sqlite ? { sqlitePath: sqlite } : { sqlConnectionString: connectionString },
    sha256 ? { expectedSha256: sha256 } : {},
  );
  process.stdout.write(`${JSON.stringify({ restored: true, ...report }, null, 2)}\n`);
} catch (error) {
  fail(`${command} failed: ${error instanceof Error ? error.message : String(error)}`, 1);
}
