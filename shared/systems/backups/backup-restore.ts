import { createHash } from "node:crypto";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { Kysely, Transaction } from "kysely";
import { CsvReader, exactRecord, type CsvRecord } from "./backup-csv.js";
import { partProblems, readPart, type BackupManifest, type ManifestPart } from "./backup-parts.js";
import { BACKUP_FORMAT, columnsHash, headerOf, schemaHashOf, sectionSpec } from "./backup-sections.js";
import {
  countSectionRows,
  insertSectionRows,
  rowOf,
  sectionRows,
  type SectionOwners,
  type SectionRow,
  type SqlSectionName,
} from "./backup-sql-sections.js";

/** A downloaded backup: its manifest and its parts, wherever they are kept (a tar, a folder). */
export interface BackupArchive {
  /** manifest.json, byte for byte. */
  readonly manifest: Buffer;
  /** A part's bytes as stored (gzip), by its file name in the manifest. */
  open(file: string): Promise<Readable>;
}

export interface RestoredSection {
  readonly section: string;
  /** Rows the manifest lists. */
  readonly rows: number;
  /** Rows found in the table after the restore (re-read through its owner). */
  readonly rowsInTable: number;
  /** True when the table holds exactly the part's rows (an order-independent digest of every row). */
  readonly matches: boolean;
}

export interface RestoreReport {
  readonly backupId: string;
  readonly cutoffAt: string;
  /** SHA-256 of manifest.json (the backup's `sha256`). */
  readonly sha256: string;
  /** True when the SHA-256 was checked against the one given (the API's). */
  readonly sha256Checked: boolean;
  readonly sections: readonly RestoredSection[];
}

/** Rows loaded per insert batch (the owners split them further for SQL Server's parameters). */
const BATCH_ROWS = 1000;

/**
 * An order-independent digest of a set of rows: the sum, lane by lane, of each row's
 * SHA-256. A table that holds exactly the part's rows gives the same digest in any order.
 */
class RowDigest {
  readonly #lanes = [0n, 0n, 0n, 0n];
  rows = 0;
  add(line: string): void {
    const hash = createHash("sha256").update(line).digest();
    for (let i = 0; i < 4; i++) this.#lanes[i] = BigInt.asUintN(64, this.#lanes[i]! + hash.readBigUInt64BE(i * 8));
    this.rows++;
  }
  get value(): string {
    return this.#lanes.map((l) => l.toString(16).padStart(16, "0")).join("");
  }
}

/**
 * Checks a downloaded backup: its manifest's SHA-256 (against the one the API shows, when
 * given), its format and schema hash, and every part's SHA-256, row count and header.
 */
export async function verifyArchive(
  archive: BackupArchive,
  expectedSha256?: string,
): Promise<{ manifest: BackupManifest; sha256: string; problems: string[] }> {
  const { manifest, sha256, problems } = readManifest(archive, expectedSha256);
  for (const part of manifest.parts) {
    try {
      problems.push(...partProblems(part, await readPart(await archive.open(part.file))));
    } catch (error) {
      problems.push(`${part.section}: could not be read: ${(error as Error).message}`);
    }
  }
  return { manifest, sha256, problems };
}

function readManifest(
  archive: BackupArchive,
  expectedSha256: string | undefined,
): { manifest: BackupManifest; sha256: string; problems: string[] } {
  const problems: string[] = [];
  const sha256 = createHash("sha256").update(archive.manifest).digest("hex");
  if (expectedSha256 !== undefined && sha256 !== expectedSha256.toLowerCase())
    problems.push(`manifest: SHA-256 is ${sha256}, expected ${expectedSha256}`);
  const manifest = JSON.parse(archive.manifest.toString("utf8")) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) throw new Error(`Not a ${BACKUP_FORMAT} backup: format ${manifest.format}`);
  if (schemaHashOf(manifest.parts.map((p) => ({ name: p.section, columns: p.columns }))) !== manifest.schemaHash)
    problems.push("manifest: the sections' columns do not match its schema hash");
  return { manifest, sha256, problems };
}

/**
 * Restores a backup's SQL sections (project records, billing entries, audit log) into an
 * empty database migrated to the latest schema, through the tables' owners:
 *
 * 1. the manifest's SHA-256 is checked (against `expectedSha256`, the API's), its format and
 *    every restorable section's columns against this release's;
 * 2. the target tables must be empty;
 * 3. in one transaction, each part streams in (gunzip, CSV, batches of rows) while its
 *    SHA-256, CSV SHA-256 and row count are checked against the manifest; any mismatch
 *    rolls the whole restore back;
 * 4. compare: each table is read back through its owner and must hold exactly the part's
 *    rows (count and an order-independent digest of every row).
 *
 * Throws on the first problem; the report says what was restored and that it compared equal.
 */
export async function restoreBackup(
  archive: BackupArchive,
  target: { readonly db: Kysely<unknown>; readonly owners: SectionOwners },
  options: { readonly expectedSha256?: string } = {},
): Promise<RestoreReport> {
  const { manifest, sha256, problems } = readManifest(archive, options.expectedSha256);
  if (problems.length > 0) throw new Error(`The backup is not intact: ${problems.join("; ")}`);
  const parts = manifest.parts.filter((p) => p.restorable);
  for (const part of parts) {
    const spec = sectionSpec(part.section);
    if (!spec?.restorable || columnsHash(part.columns) !== columnsHash(spec.columns))
      throw new Error(`${part.section}: its columns are not the ones this release restores`);
  }

  const loaded = new Map<string, RowDigest>();
  await target.db.transaction().execute(async (trx) => {
    for (const part of parts) {
      const count = await countSectionRows(target.owners, part.section as SqlSectionName, trx);
      if (count > 0) throw new Error(`The target is not empty: ${spec(part).table} holds ${count} rows`);
    }
    for (const part of parts) loaded.set(part.section, await loadPart(archive, part, target.owners, trx));
  });

  const sections: RestoredSection[] = [];
  for (const part of parts) {
    const names = part.columns.map((c) => c.name);
    const found = new RowDigest();
    for await (const page of sectionRows(target.owners, part.section as SqlSectionName, manifest.cutoffAt, null))
      for (const row of page) found.add(lineOf(names, row));
    sections.push({
      section: part.section,
      rows: part.rows,
      rowsInTable: found.rows,
      matches: found.rows === part.rows && found.value === loaded.get(part.section)!.value,
    });
  }
  const differing = sections.filter((s) => !s.matches);
  if (differing.length > 0)
    throw new Error(
      `Restored, but the tables differ from the backup: ${differing.map((s) => `${s.section} (${s.rowsInTable} rows, ${s.rows} backed up)`).join(", ")}`,
    );
  return {
    backupId: manifest.backupId,
    cutoffAt: manifest.cutoffAt,
    sha256,
    sha256Checked: options.expectedSha256 !== undefined,
    sections,
  };
}

const spec = (part: ManifestPart) => sectionSpec(part.section);

/** A row as its part's CSV writes it (what the digest is taken over). */
const lineOf = (names: readonly string[], row: SectionRow) => exactRecord(names.map((n) => row[n] ?? null));

/** Streams one part into its table; its rows' digest once its hashes and count checked out. */
async function loadPart<T>(
  archive: BackupArchive,
  part: ManifestPart,
  owners: SectionOwners,
  trx: Transaction<T>,
): Promise<RowDigest> {
  const stored = createHash("sha256");
  const content = createHash("sha256");
  const digest = new RowDigest();
  const reader = new CsvReader();
  const names = part.columns.map((c) => c.name);
  let header: string | undefined;
  let batch: SectionRow[] = [];
  const take = async (records: CsvRecord[]) => {
    for (const record of records) {
      if (header === undefined) {
        header = record.join(",");
        if (header !== headerOf(part.columns)) throw new Error("its header does not match its columns");
        continue;
      }
      const row = rowOf(part.columns, record);
      digest.add(lineOf(names, row));
      batch.push(row);
      if (batch.length >= BATCH_ROWS) {
        await insertSectionRows(owners, part.section as SqlSectionName, batch, trx);
        batch = [];
      }
    }
  };
  try {
    await pipeline(
      await archive.open(part.file),
      new Transform({
        transform(chunk: Buffer, _enc, done) {
          stored.update(chunk);
          done(null, chunk);
        },
      }),
      createGunzip(),
      async function (source: AsyncIterable<Buffer>) {
        const decoder = new TextDecoder("utf-8");
        for await (const chunk of source) {
          content.update(chunk);
          await take(reader.push(decoder.decode(chunk, { stream: true })));
        }
        await take(reader.push(decoder.decode()));
        await take(reader.end());
      },
    );
    if (batch.length > 0) await insertSectionRows(owners, part.section as SqlSectionName, batch, trx);
  } catch (error) {
    throw new Error(`${part.section}: could not be restored: ${(error as Error).message}; nothing was restored`, {
      cause: error,
    });
  }
  const problems: string[] = [];
  const sha256 = stored.digest("hex");
  if (sha256 !== part.sha256) problems.push(`SHA-256 is ${sha256}, the manifest says ${part.sha256}`);
  if (content.digest("hex") !== part.contentSha256) problems.push("its CSV's SHA-256 differs from the manifest's");
  if (digest.rows !== part.rows) problems.push(`holds ${digest.rows} rows, the manifest says ${part.rows}`);
  if (problems.length > 0) throw new Error(`${part.section}: ${problems.join("; ")}; nothing was restored`);
  return digest;
}
