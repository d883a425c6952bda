import type { Kysely } from "kysely";
import type { Actor, AuditLog } from "../../foundation/audit-log.js";
import { NotFoundError, PreconditionFailedError } from "../../kernel/errors.js";
import type { Logger } from "../../foundation/logger.js";
import type { PlatformMetrics } from "../../foundation/metrics.js";
import type { Cache } from "../../ports/cache.js";
import type { RfcResult } from "../../ports/sap-rfc.js";
import type { GuardedSapClient } from "../../sap/guarded-sap-client.js";
import type { SapProjectHeaderRow } from "../../sap/sap-functions.js";
import { sapId, sapText } from "../../sap/sap-normalize.js";
import { mapLimited, mapOrdered } from "../../kernel/map-limited.js";
import type { GatewayTables } from "./gateway-tables.js";
import { mergeProject, type MergedProject } from "./merge-project.js";
import type { ProjectRecordChanges, ProjectRepository } from "./project-repository.js";
import type { BillingEntry, BillingRepository } from "../billing/index.js";

export type ProjectFilter = "pep" | "department" | "all";

export interface ProjectListQuery {
  readonly filter: ProjectFilter;
  /** Required for pep and department, absent for all (the HTTP schema enforces it). */
  readonly value?: string;
  readonly sort: "id" | "name";
  readonly order: "asc" | "desc";
  readonly page: number;
  readonly pageSize: number;
}

export interface ProjectPage {
  readonly items: readonly MergedProject[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

export interface ProjectServiceOptions {
  readonly sap: GuardedSapClient;
  readonly functions: { readonly listProjects: string; readonly readProject: string };
  readonly repository: ProjectRepository;
  readonly billing: BillingRepository;
  readonly db: Kysely<GatewayTables>;
  readonly cache: Cache;
  readonly cacheTtlSeconds: number;
  readonly audit: AuditLog;
  readonly metrics: PlatformMetrics;
  readonly logger: Logger;
}

const SAP_FILTER: Record<ProjectFilter, string> = { pep: "PEP", department: "DEPT", all: "ALL" };
/** Misses of one list page are loaded this many at a time; admission control bounds SAP anyway. */
const PAGE_LOAD_CONCURRENCY = 8;

export const projectCacheKey = (projectId: string) => `project:${projectId}`;

/** A merged project as served: its SQL version (the ETag) and its JSON text. */
export interface ProjectJson {
  readonly version: number;
  readonly json: string;
}

/**
 * A cache entry is "<version>\n<json>", so a hit needs no parsing to know its ETag. Any
 * other value (an entry written by an older release) reads as a miss and is replaced.
 */
function decodeCached(value: string | undefined): ProjectJson | undefined {
  if (value === undefined) return undefined;
  const newline = value.indexOf("\n");
  const version = newline > 0 && newline <= 10 ? Number(value.slice(0, newline)) : NaN;
  return Number.isInteger(version) && value.charCodeAt(newline + 1) === 123 /* { */
    ? { version, json: value.slice(newline + 1) }
    : undefined;
}

/**
 * Projects merged from SAP and SQL, served from a per-project cache (`project:{id}`).
 * A miss reads SAP and SQL in parallel; concurrent misses for one project share one SAP
 * call per instance; every write removes the entry. While SAP is down nothing is served,
 * cache hits included (seed 000: SAP is the source of truth).
 */
export class ProjectService {
  readonly #o: ProjectServiceOptions;
  readonly #loading = new Map<string, Promise<ProjectJson>>();
  /** Bumped on each invalidation, so a load that raced a write never caches the old state. */
  readonly #generation = new Map<string, number>();

  constructor(options: ProjectServiceOptions) {
    this.#o = Object.freeze({ ...options });
  }

  async getProject(projectId: string): Promise<MergedProject> {
    return JSON.parse((await this.getProjectJson(projectId)).json) as MergedProject;
  }

  /**
   * The merged project as JSON text, with its SQL version (the ETag): a cache hit is served
   * without JSON.parse and JSON.stringify, which were a tenth of a cached read's CPU.
   */
  async getProjectJson(projectId: string): Promise<ProjectJson> {
    await this.#o.sap.availability.ensureAvailable();
    const cached = decodeCached(await this.#o.cache.get(projectCacheKey(projectId)));
    if (cached !== undefined) {
      this.#o.metrics.cacheHits.inc({ cache_type: "project" });
      return cached;
    }
    this.#o.metrics.cacheMisses.inc({ cache_type: "project" });
    const inFlight = this.#loading.get(projectId);
    if (inFlight) return inFlight;
    const load = this.#load(projectId).finally(() => this.#loading.delete(projectId));
    this.#loading.set(projectId, load);
    return load;
  }

  async listProjects(query: ProjectListQuery): Promise<ProjectPage> {
    await this.#o.sap.availability.ensureAvailable();
    const result = await this.#o.sap.call(this.#o.functions.listProjects, {
      IV_FILTER: SAP_FILTER[query.filter],
      IV_VALUE: query.value ?? "",
    });
    const headers = (result.ET_PROJECTS ?? []) as SapProjectHeaderRow[];
    const entries = headers.flatMap((h) => {
      try {
        return [{ id: sapId("ET_PROJECTS.PSPID", h.PSPID), name: sapText("ET_PROJECTS.POST1", h.POST1) }];
      } catch (error) {
        this.#o.logger.warn("Skipping a project header SAP sent without an id", { error });
        return [];
      }
    });
    if (query.sort === "name") {
      const sqlNames = await this.#o.repository.findNames(entries.map((e) => e.id));
      for (const entry of entries) entry.name = sqlNames.get(entry.id) ?? entry.name;
    }
    const key =
      query.sort === "name"
        ? (e: { id: string; name: string }) => e.name.toLocaleLowerCase("en")
        : (e: { id: string }) => e.id;
    const direction = query.order === "desc" ? -1 : 1;
    entries.sort(
      (a, b) => direction * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const slice = entries.slice((query.page - 1) * query.pageSize, query.page * query.pageSize);
    const items = await mapLimited(slice, PAGE_LOAD_CONCURRENCY, (e) => this.getProject(e.id));
    return { items, page: query.page, pageSize: query.pageSize, total: entries.length };
  }

  /**
   * Changes the SQL-only fields if `version` (from If-Match) is still current,
   * audits the change in the same transaction and drops the cached project.
   */
  async updateProject(
    projectId: string,
    version: number,
    changes: ProjectRecordChanges,
    actor: Actor,
  ): Promise<MergedProject> {
    const current = await this.getProject(projectId);
    if (version !== current.version) {
      throw new PreconditionFailedError(
        `Project '${projectId}' is at version ${current.version}, not ${version}; read it again and retry with its current ETag`,
        {
          project_id: projectId,
          current_version: current.version,
        },
      );
    }
    const sapProjectCode = current.metadata.sapProjectCode ?? projectId;
    await this.#o.db.transaction().execute(async (trx) => {
      const before = await this.#o.repository.findProject(projectId, trx);
      const after = await this.#o.repository.updateProject(projectId, sapProjectCode, version, changes, trx);
      await this.#o.audit.record(
        actor,
        {
          action: "project.update",
          resourceType: "project",
          resourceId: projectId,
          details: {
            changes,
            before: before
              ? {
                  name: before.name,
                  status: before.status,
                  customField1: before.customField1,
                  customField2: before.customField2,
                  version: before.version,
                }
              : null,
            version: after.version,
          },
        },
        trx,
      );
    });
    await this.invalidate(projectId);
    return this.getProject(projectId);
  }

  /** Drops the cached project; every write to a project calls this. */
  async invalidate(projectId: string): Promise<void> {
    this.#generation.set(projectId, (this.#generation.get(projectId) ?? 0) + 1);
    this.#loading.delete(projectId);
    await this.#o.cache.delete(projectCacheKey(projectId));
    this.#o.metrics.cacheInvalidations.inc({ cache_type: "project" });
  }

  /** Reads SAP and SQL in parallel and merges them: a cache miss. */
  async #readMerged(projectId: string): Promise<MergedProject> {
    const [sap, record, billing] = await Promise.all([
      this.#o.sap.call(this.#o.functions.readProject, { PROJECT_ID: projectId }, { what: "Project", id: projectId }),
      this.#o.repository.findProject(projectId),
      this.#o.billing.listActive(projectId),
    ]);
    return mergeProject(projectId, sap, record, billing);
  }

  /**
   * Bulk read for backups: the SQL records and billing entries of the whole page in one
   * query each, SAP per project (`concurrency` calls at a time), merged projects handed on
   * in the page's order as soon as each is ready; `undefined` for a project SAP no longer
   * knows (removed between the listing and the read). Bypasses the cache: a backup must not fill
   * it with a million entries or serve from it. With `upTo` (a backup's cut-off, ISO), the SQL
   * side holds only the records and entries created at or before it.
   */
  async *readMergedPage(
    projectIds: readonly string[],
    concurrency: number,
    upTo?: string,
  ): AsyncGenerator<MergedProject | undefined> {
    const [records, billing] = await Promise.all([
      this.#o.repository.findProjects(projectIds, upTo),
      this.#o.billing.listActiveFor(projectIds, undefined, upTo),
    ]);
    const entries = new Map<string, BillingEntry[]>();
    for (const entry of billing) {
      const list = entries.get(entry.projectId);
      if (list) list.push(entry);
      else entries.set(entry.projectId, [entry]);
    }
    yield* mapOrdered(projectIds, concurrency, async (projectId) => {
      try {
        const sap = await this.#o.sap.call(
          this.#o.functions.readProject,
          { PROJECT_ID: projectId },
          { what: "Project", id: projectId },
        );
        return mergeProject(projectId, sap, records.get(projectId), entries.get(projectId) ?? []);
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    });
  }

  /** Project ids in SAP's order, one page at a time (bounded memory however many there are). */
  async *projectIds(pageSize = 1000): AsyncGenerator<{ projectIds: string[]; total: number }> {
    for (let skip = 0; ; skip += pageSize) {
      // Only the ids outlive this statement: SAP's header rows are not held across the yield.
      const page = toIdPage(
        await this.#o.sap.call(this.#o.functions.listProjects, {
          IV_FILTER: "ALL",
          IV_VALUE: "",
          IV_SKIP: skip,
          IV_MAX_ROWS: pageSize,
        }),
      );
      if (page.projectIds.length === 0) return;
      yield page;
      if (page.projectIds.length < pageSize) return;
    }
  }

  async #load(projectId: string): Promise<ProjectJson> {
    const generation = this.#generation.get(projectId) ?? 0;
    const merged = await this.#readMerged(projectId);
    const loaded = { version: merged.version, json: JSON.stringify(merged) };
    if ((this.#generation.get(projectId) ?? 0) === generation) {
      await this.#o.cache.set(projectCacheKey(projectId), `${loaded.version}\n${loaded.json}`, this.#o.cacheTtlSeconds);
    }
    return loaded;
  }
}

function toIdPage(result: RfcResult): { projectIds: string[]; total: number } {
  const headers = (result.ET_PROJECTS ?? []) as SapProjectHeaderRow[];
  return { projectIds: headers.map((h) => sapId("ET_PROJECTS.PSPID", h.PSPID)), total: Number(result.EV_TOTAL ?? 0) };
}
