/**
 * The UBL view the rules need: the Invoice or CreditNote root (an SBDH envelope unwrapped
 * first), namespace-aware child lookups by a short "cac:Name/cbc:Name" path, exact
 * decimals, and an XPath for each element so findings point at what to fix.
 */
import { parseDecimalText, type Decimal } from "./decimal.js";
import { XmlRefusedError, type XmlElement } from "./safe-xml.js";

export const NS = {
  invoice: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
  creditNote: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
  cac: "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
  cbc: "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
  sbdh: "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader",
} as const;

const PREFIXES: Readonly<Record<string, string>> = { cac: NS.cac, cbc: NS.cbc };

export type UblKind = "Invoice" | "CreditNote";

export interface UblDocument {
  readonly kind: UblKind;
  readonly root: XmlElement;
}

/**
 * Finds the UBL document: the root itself, or the Invoice/CreditNote inside a
 * StandardBusinessDocument (next to its StandardBusinessDocumentHeader).
 */
export function ublDocument(root: XmlElement): UblDocument {
  let candidate = root;
  if (root.ns === NS.sbdh && root.local === "StandardBusinessDocument") {
    const inner = root.children.find(
      (child) => !(child.ns === NS.sbdh && child.local === "StandardBusinessDocumentHeader"),
    );
    if (!inner) throw new XmlRefusedError("malformed", "the SBDH envelope holds no business document", root.line);
    candidate = inner;
  }
  if (candidate.ns === NS.invoice && candidate.local === "Invoice") return { kind: "Invoice", root: candidate };
  if (candidate.ns === NS.creditNote && candidate.local === "CreditNote")
    return { kind: "CreditNote", root: candidate };
  throw new XmlRefusedError(
    "malformed",
    `the document is {${candidate.ns}}${candidate.local}, not a UBL 2.1 Invoice or CreditNote`,
    candidate.line,
  );
}

function step(name: string): [string, string] {
  const colon = name.indexOf(":");
  const ns = PREFIXES[name.slice(0, colon)];
  if (colon < 0 || ns === undefined) throw new Error(`path step '${name}' needs a cac: or cbc: prefix`);
  return [ns, name.slice(colon + 1)];
}

/** Parsed paths, remembered: rules ask for the same few paths on every line. */
const pathCache = new Map<string, readonly (readonly [string, string])[]>();

function steps(path: string): readonly (readonly [string, string])[] {
  let parsed = pathCache.get(path);
  if (!parsed) pathCache.set(path, (parsed = path.split("/").map(step)));
  return parsed;
}

/** All elements reached by a relative path of prefixed names ("cac:Party/cbc:EndpointID"). */
export function all(from: XmlElement, path: string): XmlElement[] {
  let current = [from];
  for (const [ns, local] of steps(path)) {
    const next: XmlElement[] = [];
    for (const el of current) for (const c of el.children) if (c.local === local && c.ns === ns) next.push(c);
    current = next;
  }
  return current;
}

/** The first element (document order) reached by the path, without collecting the others. */
export function first(from: XmlElement, path: string): XmlElement | undefined {
  const parsed = steps(path);
  const find = (el: XmlElement, depth: number): XmlElement | undefined => {
    if (depth === parsed.length) return el;
    const [ns, local] = parsed[depth]!;
    for (const c of el.children) {
      if (c.local !== local || c.ns !== ns) continue;
      const found = find(c, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return find(from, 0);
}

/** XPath normalize-space() of the first match, "" when absent. */
export function textOf(from: XmlElement | undefined, path?: string): string {
  const el = from && path ? first(from, path) : from;
  return el ? el.text.replace(/\s+/g, " ").trim() : "";
}

/** Parsed amounts, remembered: several rules read every line's net amount. */
const decimalCache = new WeakMap<XmlElement, Decimal | null>();

export function decimalOf(el: XmlElement | undefined): Decimal | undefined {
  if (!el) return undefined;
  let value = decimalCache.get(el);
  if (value === undefined) decimalCache.set(el, (value = parseDecimalText(el.text) ?? null));
  return value ?? undefined;
}

/**
 * `//x` lookups: the first one on an element indexes its whole subtree by name in one walk,
 * so dozens of rules asking for descendants cost one pass over a 4,000-line invoice, not
 * one per rule. The tree is never changed after parsing, so the index cannot go stale.
 */
type SubtreeIndex = Map<string, Map<string, XmlElement[]>>; // namespace -> local name -> elements
const descendantIndex = new WeakMap<XmlElement, SubtreeIndex>();
const NONE: readonly XmlElement[] = [];

/** Every descendant (document order) with that namespace and local name: XPath `//x`. Do not mutate. */
export function descendants(from: XmlElement, name: string): readonly XmlElement[] {
  let index = descendantIndex.get(from);
  if (!index) descendantIndex.set(from, (index = indexSubtree(from)));
  const [ns, local] = steps(name)[0]!;
  return index.get(ns)?.get(local) ?? NONE;
}

function indexSubtree(from: XmlElement): SubtreeIndex {
  const index: SubtreeIndex = new Map();
  const walk = (el: XmlElement): void => {
    for (const child of el.children) {
      let byLocal = index.get(child.ns);
      if (!byLocal) index.set(child.ns, (byLocal = new Map<string, XmlElement[]>()));
      const list = byLocal.get(child.local);
      if (list) list.push(child);
      else byLocal.set(child.local, [child]);
      walk(child);
    }
  };
  walk(from);
  return index;
}

/** An XPath from the document root with positions, e.g. /Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount. */
export function xpathOf(el: XmlElement, doc: UblDocument): string {
  const parts: string[] = [];
  let current: XmlElement | undefined = el;
  while (current && current !== doc.root) {
    const parent: XmlElement | undefined = current.parent;
    const name = prefixed(current);
    const siblings = parent?.children.filter((c) => c.ns === current!.ns && c.local === current!.local) ?? [];
    parts.unshift(siblings.length > 1 ? `${name}[${siblings.indexOf(current) + 1}]` : name);
    current = parent;
  }
  parts.unshift(doc.kind);
  return `/${parts.join("/")}`;
}

function prefixed(el: XmlElement): string {
  if (el.ns === NS.cac) return `cac:${el.local}`;
  if (el.ns === NS.cbc) return `cbc:${el.local}`;
  return el.local;
}
