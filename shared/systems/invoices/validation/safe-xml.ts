/**
 * A small strict XML parser for invoice intake. It is written here rather than taken from
 * a package so that its refusals are ours to guarantee: a DOCTYPE is refused outright (so
 * no internal entity can expand into a billion laughs and no external entity can be
 * fetched), only the five predefined entities and character references are decoded, and
 * size and depth are capped before any tree grows. Every element keeps its line number
 * and resolved namespace so findings can name an XPath and a line.
 */

export type XmlRefusal = "too-large" | "too-deep" | "doctype" | "malformed";

/** Thrown for any document the validator will not read; `reason` says which refusal. */
export class XmlRefusedError extends Error {
  constructor(
    readonly reason: XmlRefusal,
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "XmlRefusedError";
  }
}

export interface XmlElement {
  /** Namespace URI ("" for none) and local name: what the rules match on. */
  readonly ns: string;
  readonly local: string;
  /** The name as written, prefix included, for messages. */
  readonly qname: string;
  /** Attributes by their name as written (UBL attributes are unprefixed). */
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  readonly line: number;
  readonly parent: XmlElement | undefined;
  /** Concatenated character data directly inside this element. */
  text: string;
}

export interface XmlLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 20 * 1024 * 1024, maxDepth: 64 };

const XML_NS = "http://www.w3.org/XML/1998/namespace";
const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;
const ATTRIBUTE = /([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const PREDEFINED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", apos: "'", quot: '"' };

/** Decodes UTF-8 bytes (a BOM is dropped) or takes a string; refuses above the size cap. */
export function xmlText(input: Uint8Array | string, limits: XmlLimits = DEFAULT_XML_LIMITS): string {
  const size = typeof input === "string" ? Buffer.byteLength(input, "utf8") : input.byteLength;
  if (size > limits.maxBytes) {
    throw new XmlRefusedError("too-large", `document of ${size} bytes exceeds the limit of ${limits.maxBytes}`, 1);
  }
  let text: string;
  try {
    text = typeof input === "string" ? input : new TextDecoder("utf-8", { fatal: true }).decode(input);
  } catch {
    throw new XmlRefusedError("malformed", "the document is not valid UTF-8", 1);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // UBL invoices travel in UTF-8 (Peppol requires it); another declared encoding would be misread.
  const encoding = /^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
    throw new XmlRefusedError("malformed", `encoding '${encoding}' is not supported; invoices must be UTF-8`, 1);
  }
  return text;
}

export function parseXml(input: Uint8Array | string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const source = xmlText(input, limits);
  let pos = 0;
  let line = 1;
  let lineCountedTo = 0;
  const lineAt = (index: number): number => {
    for (let i = lineCountedTo; i < index; i++) if (source.charCodeAt(i) === 10) line++;
    lineCountedTo = Math.max(lineCountedTo, index);
    return line;
  };
  const fail = (reason: XmlRefusal, message: string, at: number): never => {
    throw new XmlRefusedError(reason, message, lineAt(at));
  };
  const decode = (raw: string, at: number): string =>
    raw.indexOf("&") < 0
      ? raw
      : raw.replace(/&([^;&\s]*);?/g, (whole, name: string) => {
          if (!whole.endsWith(";")) return fail("malformed", `unterminated reference '${whole}'`, at);
          if (name.startsWith("#x")) return codePoint(parseInt(name.slice(2), 16), whole, at);
          if (name.startsWith("#")) return codePoint(parseInt(name.slice(1), 10), whole, at);
          const known = PREDEFINED[name];
          // Without a DTD no other entity can be declared; naming one is an attempt to expand.
          return known ?? fail("doctype", `entity '&${name};' is not allowed (no DTD entities are expanded)`, at);
        });
  const codePoint = (value: number, whole: string, at: number): string =>
    Number.isInteger(value) && value > 0 && value <= 0x10ffff
      ? String.fromCodePoint(value)
      : fail("malformed", `invalid character reference '${whole}'`, at);

  const stack: { element: XmlElement; scope: Map<string, string> }[] = [];
  let root: XmlElement | undefined;

  while (pos < source.length) {
    const lt = source.indexOf("<", pos);
    const textEnd = lt < 0 ? source.length : lt;
    if (textEnd > pos) {
      const raw = source.slice(pos, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.element.text += decode(raw, pos);
      else if (raw.trim() !== "") fail("malformed", "text outside the root element", pos);
    }
    if (lt < 0) break;
    pos = lt;
    if (source.startsWith("<!--", pos)) {
      const end = source.indexOf("-->", pos + 4);
      if (end < 0) fail("malformed", "unterminated comment", pos);
      pos = end + 3;
    } else if (source.startsWith("<![CDATA[", pos)) {
      const end = source.indexOf("]]>", pos + 9);
      const top = stack[stack.length - 1];
      if (end < 0 || !top) fail("malformed", "CDATA section outside an element or unterminated", pos);
      top!.element.text += source.slice(pos + 9, end);
      pos = end + 3;
    } else if (source.startsWith("<!", pos)) {
      // DOCTYPE (and any other markup declaration) is refused before it is read.
      fail("doctype", "a DOCTYPE or markup declaration is not allowed in an invoice", pos);
    } else if (source.startsWith("<?", pos)) {
      const end = source.indexOf("?>", pos + 2);
      if (end < 0) fail("malformed", "unterminated processing instruction", pos);
      pos = end + 2;
    } else if (source.startsWith("</", pos)) {
      const end = source.indexOf(">", pos);
      if (end < 0) fail("malformed", "unterminated end tag", pos);
      const name = source.slice(pos + 2, end).trim();
      const top = stack.pop();
      if (!top || top.element.qname !== name) {
        fail("malformed", `end tag </${name}> does not match <${top?.element.qname ?? ""}>`, pos);
      }
      pos = end + 1;
    } else {
      const end = tagEnd(source, pos);
      if (end < 0) fail("malformed", "unterminated start tag", pos);
      const selfClosing = source.charCodeAt(end - 1) === 47; // "/"
      const body = source.slice(pos + 1, selfClosing ? end - 1 : end);
      const nameMatch = /^[^\s/>]+/.exec(body);
      const qname = nameMatch?.[0] ?? "";
      if (!NAME.test(qname)) fail("malformed", `invalid element name '${qname}'`, pos);
      if (root && stack.length === 0) fail("malformed", "more than one root element", pos);
      if (stack.length + 1 > limits.maxDepth) {
        fail("too-deep", `elements nested deeper than the limit of ${limits.maxDepth}`, pos);
      }
      const elementLine = lineAt(pos);
      const attributes = new Map<string, string>();
      const parentScope = stack[stack.length - 1]?.scope;
      let scope = parentScope ?? new Map<string, string>([["xml", XML_NS]]);
      const rest = body.slice(qname.length);
      ATTRIBUTE.lastIndex = 0;
      let at = 0;
      while (at < rest.length) {
        while (at < rest.length && /\s/.test(rest[at]!)) at++;
        if (at >= rest.length) break;
        ATTRIBUTE.lastIndex = at;
        const match = ATTRIBUTE.exec(rest);
        if (!match) fail("malformed", `malformed attribute in <${qname}>`, pos);
        const [, attrName = "", dq, sq] = match!;
        if (attributes.has(attrName)) fail("malformed", `duplicate attribute '${attrName}'`, pos);
        const value = decode(dq ?? sq ?? "", pos);
        attributes.set(attrName, value);
        if (attrName === "xmlns" || attrName.startsWith("xmlns:")) {
          if (scope === parentScope) scope = new Map(scope);
          scope.set(attrName === "xmlns" ? "" : attrName.slice(6), value);
        }
        at = ATTRIBUTE.lastIndex;
      }
      const colon = qname.indexOf(":");
      const prefix = colon < 0 ? "" : qname.slice(0, colon);
      const ns = scope.get(prefix);
      if (ns === undefined && prefix !== "") fail("malformed", `undeclared namespace prefix '${prefix}'`, pos);
      const parent = stack[stack.length - 1]?.element;
      const element: XmlElement = {
        ns: ns ?? "",
        local: colon < 0 ? qname : qname.slice(colon + 1),
        qname,
        attributes,
        children: [],
        line: elementLine,
        parent,
        text: "",
      };
      if (parent) parent.children.push(element);
      else root = element;
      if (!selfClosing) stack.push({ element, scope });
      pos = end + 1;
    }
  }
  if (stack.length > 0) fail("malformed", `element <${stack[stack.length - 1]!.element.qname}> is not closed`, pos);
  if (!root) fail("malformed", "no root element", pos);
  return root!;
}

/** Index of the ">" closing a start tag, skipping quoted attribute values. */
function tagEnd(source: string, from: number): number {
  let quote = 0;
  for (let i = from + 1; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i;
    else if (c === 60) return -1;
  }
  return -1;
}
