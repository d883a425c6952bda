import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * `.funcignore` read the way the deployment tools read it: .gitignore syntax. Supported:
 * comments, `!` re-includes, a trailing `/` for directories only, a `/` at the start or in
 * the middle anchoring the pattern to the root (otherwise it matches a name at any depth),
 * and the `*`, `?` and `**` wildcards. Like git, a file inside an ignored directory cannot
 * be re-included.
 */
interface Rule {
  negate: boolean;
  directoryOnly: boolean;
  regex: RegExp;
}

export function parseIgnoreFile(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine.replace(/\s+$/, "");
    if (line === "" || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1);
    const directoryOnly = line.endsWith("/");
    if (directoryOnly) line = line.slice(0, -1);
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    const body = globToRegex(line);
    rules.push({ negate, directoryOnly, regex: new RegExp(anchored ? `^${body}$` : `(^|/)${body}$`) });
  }
  return rules;
}

function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      // `**/` matches zero or more directories; a trailing `**` everything below.
      if (glob[i + 2] === "/") {
        out += "(?:.*/)?";
        i += 2;
      } else {
        out += ".*";
        i += 1;
      }
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

/** Whether a path relative to the root (with `/` separators) is ignored; the last matching rule wins. */
export function isIgnored(rules: readonly Rule[], path: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.directoryOnly && !isDirectory) continue;
    if (rule.regex.test(path)) ignored = !rule.negate;
  }
  return ignored;
}

/** Every file the deployment package holds: the tree under `root` minus what `.funcignore` leaves out. */
export function shippedFiles(root: string): string[] {
  const rules = parseIgnoreFile(readFileSync(join(root, ".funcignore"), "utf8"));
  const files: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      const isDirectory = entry.isDirectory();
      if (isIgnored(rules, path, isDirectory)) continue;
      if (isDirectory) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk("");
  return files.sort();
}
