import { generateKeyPairSync, randomBytes, timingSafeEqual } from "node:crypto";
import {
  fstatSync,
  mkdtempSync,
  openSync,
  closeSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
  type Stats,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, posix, resolve, sep } from "node:path";
import type { AddressInfo } from "node:net";
import ssh2 from "ssh2";
import { sshFingerprint } from "../../shared/index.js";

const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

/**
 * A read-only SFTP server over one folder, for budget sources on a laptop and in tests: a
 * host key generated per run (its fingerprint is what a source pins), one user with a
 * password, and the SFTP requests a poll makes (realpath, stat, opendir/readdir, open/read).
 * Writes are refused: the poll never writes either.
 */
export class BudgetSftpServer {
  readonly root: string;
  readonly username = "budgets";
  readonly host = "127.0.0.1";
  readonly port: number;
  /** `SHA256:...` of the generated host key. */
  readonly fingerprint: string;
  readonly #server: InstanceType<typeof Server>;
  readonly #ownsRoot: boolean;
  readonly #counts: { refusedLogins: number };

  private constructor(
    root: string,
    ownsRoot: boolean,
    server: InstanceType<typeof Server>,
    fingerprint: string,
    counts: { refusedLogins: number },
  ) {
    this.#counts = counts;
    this.root = root;
    this.#ownsRoot = ownsRoot;
    this.#server = server;
    this.fingerprint = fingerprint;
    this.port = (server.address() as AddressInfo).port;
  }

  static async start(options: { root?: string; password: string; port?: number }): Promise<BudgetSftpServer> {
    const ownsRoot = !options.root;
    const root = resolve(options.root || mkdtempSync(join(tmpdir(), "budget-sftp-")));
    // An ECDSA P-256 host key from node:crypto: ssh2's own ed25519 generator writes a key its
    // parser rejects about once in 200 starts ("Malformed OpenSSH private key").
    const hostKey = generateKeyPairSync("ec", {
      namedCurve: "prime256v1",
      privateKeyEncoding: { type: "sec1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    }).privateKey;
    const parsed = utils.parseKey(hostKey);
    if (parsed instanceof Error) throw parsed;
    const fingerprint = sshFingerprint(parsed.getPublicSSH());
    const password = Buffer.from(options.password);
    const counts = { refusedLogins: 0 };
    const server = new Server({ hostKeys: [hostKey] }, (client) => {
      client.on("error", () => undefined);
      client.on("authentication", (ctx) => {
        const given = ctx.method === "password" ? Buffer.from(ctx.password) : Buffer.alloc(0);
        const ok =
          ctx.method === "password" &&
          ctx.username === "budgets" &&
          given.length === password.length &&
          timingSafeEqual(given, password);
        if (ok) return ctx.accept();
        if (ctx.method === "password") counts.refusedLogins++;
        ctx.reject(["password"]);
      });
      client.on("ready", () => {
        client.on("session", (acceptSession) => {
          acceptSession().on("sftp", (acceptSftp) => serveFolder(acceptSftp(), root));
        });
      });
    });
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(options.port ?? 0, "127.0.0.1", () => done());
    });
    return new BudgetSftpServer(root, ownsRoot, server, fingerprint, counts);
  }

  /** Logins refused (a wrong password or user). */
  get refusedLogins(): number {
    return this.#counts.refusedLogins;
  }

  async close(): Promise<void> {
    await new Promise<void>((done) => this.#server.close(() => done()));
    if (this.#ownsRoot) rmSync(this.root, { recursive: true, force: true });
  }
}

type Sftp = ssh2.SFTPWrapper;

/** The SFTP requests of a read-only client, answered from `root` (paths outside it do not exist). */
function serveFolder(sftp: Sftp, root: string): void {
  const handles = new Map<string, { kind: "file"; fd: number } | { kind: "dir"; path: string; sent: boolean }>();
  let next = 0;
  const local = (path: string): string | undefined => {
    const normal = posix.normalize(posix.join("/", path));
    const full = resolve(root, `.${normal}`);
    return full === root || full.startsWith(root + sep) ? full : undefined;
  };
  const stats = (path: string): Stats | undefined => {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  };
  const attrs = (s: Stats) => ({
    mode: (s.isDirectory() ? S_IFDIR : S_IFREG) | 0o644,
    uid: 0,
    gid: 0,
    size: s.size,
    atime: Math.floor(s.atimeMs / 1000),
    mtime: Math.floor(s.mtimeMs / 1000),
  });
  const newHandle = (value: { kind: "file"; fd: number } | { kind: "dir"; path: string; sent: boolean }) => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(next++);
    handles.set(id.toString("hex"), value);
    return id;
  };
  sftp.on("REALPATH", (id, path) => {
    const normal = posix.normalize(posix.join("/", path));
    sftp.name(id, [{ filename: normal, longname: normal, attrs: {} as never }]);
  });
  const stat = (id: number, path: string) => {
    const full = local(path);
    const s = full ? stats(full) : undefined;
    if (!s) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    sftp.attrs(id, attrs(s));
  };
  sftp.on("STAT", stat);
  sftp.on("LSTAT", stat);
  sftp.on("OPENDIR", (id, path) => {
    const full = local(path);
    if (!full || !stats(full)?.isDirectory()) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    sftp.handle(id, newHandle({ kind: "dir", path: full, sent: false }));
  });
  sftp.on("READDIR", (id, handle) => {
    const h = handles.get(handle.toString("hex"));
    if (!h || h.kind !== "dir") return sftp.status(id, STATUS_CODE.FAILURE);
    if (h.sent) return sftp.status(id, STATUS_CODE.EOF);
    h.sent = true;
    const entries = readdirSync(h.path).flatMap((name) => {
      const s = stats(join(h.path, name));
      if (!s) return [];
      const longname = `${s.isDirectory() ? "d" : "-"}rw-r--r-- 1 budgets budgets ${s.size} Jan 1 00:00 ${name}`;
      return [{ filename: name, longname, attrs: attrs(s) }];
    });
    sftp.name(id, entries);
  });
  sftp.on("OPEN", (id, path, flags) => {
    const full = local(path);
    if (Number(flags) !== Number(utils.sftp.OPEN_MODE.READ)) return sftp.status(id, STATUS_CODE.PERMISSION_DENIED);
    if (!full || !stats(full)?.isFile()) return sftp.status(id, STATUS_CODE.NO_SUCH_FILE);
    sftp.handle(id, newHandle({ kind: "file", fd: openSync(full, "r") }));
  });
  sftp.on("FSTAT", (id, handle) => {
    const h = handles.get(handle.toString("hex"));
    if (!h || h.kind !== "file") return sftp.status(id, STATUS_CODE.FAILURE);
    sftp.attrs(id, attrs(fstatSync(h.fd)));
  });
  sftp.on("READ", (id, handle, offset, length) => {
    const h = handles.get(handle.toString("hex"));
    if (!h || h.kind !== "file") return sftp.status(id, STATUS_CODE.FAILURE);
    const buffer = Buffer.alloc(length);
    const read = readSync(h.fd, buffer, 0, length, offset);
    if (read === 0) return sftp.status(id, STATUS_CODE.EOF);
    sftp.data(id, buffer.subarray(0, read));
  });
  sftp.on("CLOSE", (id, handle) => {
    const key = handle.toString("hex");
    const h = handles.get(key);
    if (h?.kind === "file") closeSync(h.fd);
    handles.delete(key);
    sftp.status(id, h ? STATUS_CODE.OK : STATUS_CODE.FAILURE);
  });
  for (const write of ["WRITE", "REMOVE", "RENAME", "MKDIR", "RMDIR", "SETSTAT", "FSETSTAT", "SYMLINK"] as const)
    sftp.on(write, (id: number) => sftp.status(id, STATUS_CODE.PERMISSION_DENIED));
  sftp.on("end", () => {
    for (const h of handles.values()) if (h.kind === "file") closeSync(h.fd);
    handles.clear();
  });
}

/** A password for this run's simulator. */
export const generatedPassword = () => randomBytes(18).toString("base64url");
