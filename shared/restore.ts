// The restore's entry (scripts/restore-backup.mjs, docs/restore.md): reads a downloaded
// backup (the tar the download endpoint sends, or the folder `tar -xf` makes of it) and
// loads its SQL sections into an empty database opened through the platform's migrations.
// Operator tooling: neither the Azure entry nor the local host imports it.
import { open, readFile, stat } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { MIGRATIONS, type PlatformTables } from "./catalog.js";
import { AuditLog } from "./foundation/audit-log.js";
import { openMssqlDatabase, openSqliteDatabase, tablesOf, type Database } from "./foundation/sql/database.js";
import { systemClock } from "./ports/clock.js";
import {
  parseTarHeader,
  restoreBackup,
  verifyArchive,
  type BackupArchive,
  type BackupManifest,
  type RestoreReport,
} from "./systems/backups/index.js";
import { BillingRepository } from "./systems/billing/index.js";
import { ProjectRepository } from "./systems/gateway/index.js";

export type { RestoreReport };

/** A downloaded backup: a tar file (as downloaded) or a folder holding manifest.json and the parts. */
export async function openBackupArchive(path: string): Promise<BackupArchive> {
  if ((await stat(path)).isDirectory()) {
    return {
      manifest: await readFile(join(path, "manifest.json")),
      open: async (file) => createReadStream(join(path, file)),
    };
  }
  // A tar: walk its headers once, then read each file where it lies.
  const entries = new Map<string, { offset: number; size: number }>();
  const handle = await open(path, "r");
  try {
    const size = (await handle.stat()).size;
    for (let at = 0; at + 512 <= size;) {
      const block = Buffer.alloc(512);
      await handle.read(block, 0, 512, at);
      const parsed = parseTarHeader(block, at);
      if (!parsed) break;
      entries.set(parsed.entry.name.split("/").pop()!, { offset: parsed.entry.offset, size: parsed.entry.size });
      at = parsed.next;
    }
    const manifest = entries.get("manifest.json");
    if (!manifest) throw new Error(`${path} holds no manifest.json: not a sectioned backup`);
    const bytes = Buffer.alloc(manifest.size);
    await handle.read(bytes, 0, manifest.size, manifest.offset);
    return {
      manifest: bytes,
      open: async (file) => {
        const entry = entries.get(file);
        if (!entry) throw new Error(`${path} holds no ${file}`);
        return entry.size === 0
          ? Readable.from([])
          : createReadStream(path, { start: entry.offset, end: entry.offset + entry.size - 1 });
      },
    };
  } finally {
    await handle.close();
  }
}

/** Checks a downloaded backup without loading it: the manifest's SHA-256 and every part's. */
export async function verifyBackupFile(
  path: string,
  expectedSha256?: string,
): Promise<{ manifest: BackupManifest; sha256: string; problems: string[] }> {
  return verifyArchive(await openBackupArchive(path), expectedSha256);
}

export interface RestoreTarget {
  /** A SQLite file (created and migrated when absent). */
  readonly sqlitePath?: string;
  /** Or an Azure SQL / SQL Server connection string (an empty database; migrated here). */
  readonly sqlConnectionString?: string;
}

/**
 * Restores a downloaded backup into an empty database: opened (and migrated to the latest
 * schema) like the platform opens its own, then loaded and compared (see restoreBackup).
 */
export async function restoreBackupFile(
  path: string,
  target: RestoreTarget,
  options: { readonly expectedSha256?: string } = {},
): Promise<RestoreReport> {
  const archive = await openBackupArchive(path);
  let database: Database<PlatformTables>;
  if (target.sqlitePath) database = await openSqliteDatabase(target.sqlitePath, MIGRATIONS);
  else if (target.sqlConnectionString) database = await openMssqlDatabase(target.sqlConnectionString, MIGRATIONS);
  else throw new Error("Name the database to restore into (a SQLite file or a SQL connection string)");
  try {
    const db = database.db;
    return await restoreBackup(
      archive,
      {
        db: tablesOf(db),
        owners: {
          projects: new ProjectRepository(tablesOf(db), systemClock),
          billing: new BillingRepository(tablesOf(db), systemClock),
          audit: new AuditLog(tablesOf(db), systemClock),
        },
      },
      options,
    );
  } finally {
    await database.close();
  }
}
