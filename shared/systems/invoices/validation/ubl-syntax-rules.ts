/**
 * The UBL syntax rules of EN 16931 (CEN UBL syntax binding 1.3.16): UBL-CR (an element or
 * attribute EN 16931 does not use: warnings, two fatal), UBL-SR (cardinalities UBL allows
 * but EN 16931 does not: fatal) and UBL-DT (data type restrictions). The forbidden paths
 * are data (ubl-syntax-table.ts); one walk per document finds them all, so 670 rules cost
 * about one pass over the document, whatever its size.
 */
import type { Rule, Severity, Violation } from "./rule-engine.js";
import { indicator, lines, type Messages } from "./rule-helpers.js";
import type { XmlElement } from "./safe-xml.js";
import { all, descendants, first, NS, textOf, type UblDocument } from "./ubl-document.js";
import { FORBIDDEN_ELEMENTS } from "./ubl-syntax-table.js";

const EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2";
const PREFIXES: Readonly<Record<string, string>> = { cac: NS.cac, cbc: NS.cbc, ext: EXT };
const LINE = "$line";

interface ParsedPath {
  readonly anywhere: boolean;
  /** "ns|local" keys; LINE for the invoice or credit note line. */
  readonly steps: readonly string[];
  readonly attribute?: string;
}

function parsePath(path: string): ParsedPath {
  const anywhere = path.startsWith("//");
  const parts = (anywhere ? path.slice(2) : path).split("/");
  const last = parts[parts.length - 1]!;
  const attribute = last.startsWith("@") ? last.slice(1) : undefined;
  const steps = (attribute ? parts.slice(0, -1) : parts).map((step) => {
    if (step === LINE) return LINE;
    const [prefix = "", local = ""] = step.split(":");
    const ns = PREFIXES[prefix];
    if (!ns) throw new Error(`syntax rule path step '${step}' has an unknown prefix`);
    return `${ns}|${local}`;
  });
  return { anywhere, steps, ...(attribute ? { attribute } : {}) };
}

const key = (el: XmlElement) => `${el.ns}|${el.local}`;

interface TrieNode {
  /** Children by namespace, then local name: no string is built per visited element. */
  readonly next: Map<string, Map<string, TrieNode>>;
  /** Rules this node's element (or its attribute) breaks. */
  readonly ends: { readonly id: string; readonly attribute?: string }[];
}
const node = (): TrieNode => ({ next: new Map(), ends: [] });

const crId = (n: number) => `UBL-CR-${String(n).padStart(3, "0")}`;

/** Root-relative forbidden paths as one trie; the line steps share one node. */
const ROOT_TRIE = node();
const LINE_NODE = node();
ROOT_TRIE.next.set(
  NS.cac,
  new Map([
    ["InvoiceLine", LINE_NODE],
    ["CreditNoteLine", LINE_NODE],
  ]),
);
const ANYWHERE: { id: string; path: ParsedPath }[] = [];

for (const [n, path] of FORBIDDEN_ELEMENTS) {
  const parsed = parsePath(path);
  if (parsed.anywhere) {
    ANYWHERE.push({ id: crId(n), path: parsed });
    continue;
  }
  let at = ROOT_TRIE;
  for (const step of parsed.steps) {
    if (step === LINE) {
      at = LINE_NODE;
      continue;
    }
    const [ns, local] = step.split("|") as [string, string];
    let byLocal = at.next.get(ns);
    if (!byLocal) at.next.set(ns, (byLocal = new Map<string, TrieNode>()));
    let next = byLocal.get(local);
    if (!next) byLocal.set(local, (next = node()));
    at = next;
  }
  at.ends.push({ id: crId(n), ...(parsed.attribute ? { attribute: parsed.attribute } : {}) });
}

function follow(from: readonly XmlElement[], steps: readonly string[]): XmlElement[] {
  let current = [...from];
  for (const step of steps) current = current.flatMap((el) => el.children.filter((c) => key(c) === step));
  return current;
}

/** The first offending element per rule, found once per document. */
const found = new WeakMap<XmlElement, Map<string, XmlElement>>();

function forbiddenFound(doc: UblDocument): Map<string, XmlElement> {
  const known = found.get(doc.root);
  if (known) return known;
  const hits = new Map<string, XmlElement>();
  const walk = (el: XmlElement, at: TrieNode): void => {
    for (const child of el.children) {
      const next = at.next.get(child.ns)?.get(child.local);
      if (!next) continue;
      for (const end of next.ends) {
        if (hits.has(end.id)) continue;
        if (!end.attribute || child.attributes.has(end.attribute)) hits.set(end.id, child);
      }
      walk(child, next);
    }
  };
  walk(doc.root, ROOT_TRIE);
  for (const { id, path } of ANYWHERE) {
    const [head, ...rest] = path.steps;
    const starts = descendants(doc.root, prefixed(head!));
    const hit = follow(starts, rest).find((el) => !path.attribute || el.attributes.has(path.attribute));
    if (hit) hits.set(id, hit);
  }
  found.set(doc.root, hits);
  return hits;
}

/** Back from "ns|local" to the prefixed name `descendants` takes. */
function prefixed(step: string): string {
  const [ns, local] = step.split("|") as [string, string];
  const prefix = Object.keys(PREFIXES).find((p) => PREFIXES[p] === ns)!;
  return `${prefix}:${local}`;
}

const shown = (path: string) => path.replace(LINE, "cac:InvoiceLine");

function forbiddenRule(n: number, path: string): Rule {
  const id = crId(n);
  const what = shown(path);
  return {
    id,
    severity: "warning",
    terms: [],
    context: "/Invoice | /CreditNote",
    messages: {
      en: `${what} is not used by EN 16931 and should not be in the invoice.`,
      nl: `${what} wordt niet gebruikt door EN 16931 en hoort niet in de factuur.`,
      fr: `${what} n'est pas utilisé par l'EN 16931 et ne devrait pas figurer dans la facture.`,
    },
    check: (doc) => {
      const at = forbiddenFound(doc).get(id);
      return at ? [{ at }] : [];
    },
  };
}

/** A rule checked at each context element, with the official severity. */
function rule(
  id: string,
  severity: Severity,
  context: string,
  contexts: (doc: UblDocument) => readonly XmlElement[],
  test: (el: XmlElement, doc: UblDocument) => Violation | undefined,
  messages: Messages,
): Rule {
  return {
    id,
    severity,
    terms: [],
    context,
    messages,
    check: (doc) => contexts(doc).flatMap((el) => test(el, doc) ?? []),
  };
}

const root = (doc: UblDocument) => [doc.root];
const anywhere = (name: string) => (doc: UblDocument) => descendants(doc.root, name);
const isVat = (el: XmlElement) => textOf(el, "cac:TaxScheme/cbc:ID").toUpperCase() === "VAT";

/** `count(path)` without building the node set: the line rules run on every line. */
function countAt(
  el: XmlElement,
  steps: readonly (readonly [string, string])[],
  depth: number,
  filter: (el: XmlElement) => boolean,
): number {
  if (depth === steps.length) return filter(el) ? 1 : 0;
  const [ns, local] = steps[depth]!;
  let n = 0;
  for (const child of el.children)
    if (child.local === local && child.ns === ns) n += countAt(child, steps, depth + 1, filter);
  return n;
}

/** `count(path) <= max` (or `= exactly`), with an optional filter on what is counted. */
function atMost(
  id: string,
  context: string,
  contexts: (doc: UblDocument) => readonly XmlElement[],
  path: string,
  max: number,
  filter: (el: XmlElement) => boolean = () => true,
  exactly = false,
): Rule {
  const times =
    max === 1
      ? { en: "once", nl: "één keer", fr: "une fois" }
      : { en: `${max} times`, nl: `${max} keer`, fr: `${max} fois` };
  const where = context === "/Invoice | /CreditNote" ? "" : ` (${context})`;
  const parsed = parsePath(path).steps.map((step) => step.split("|") as [string, string]);
  return rule(
    id,
    "fatal",
    context,
    contexts,
    (el) => {
      const count = countAt(el, parsed, 0, filter);
      if (exactly ? count === max : count <= max) return undefined;
      return { at: el, expected: exactly ? `exactly ${max}` : `at most ${max}`, found: String(count) };
    },
    exactly
      ? {
          en: `${path} must occur exactly ${times.en}${where}.`,
          nl: `${path} moet precies ${times.nl} voorkomen${where}.`,
          fr: `${path} doit apparaître exactement ${times.fr}${where}.`,
        }
      : {
          en: `${path} may occur at most ${times.en}${where}.`,
          nl: `${path} mag hoogstens ${times.nl} voorkomen${where}.`,
          fr: `${path} peut apparaître au plus ${times.fr}${where}.`,
        },
  );
}

/** `count(//x[not(preceding::x/. = .)]) <= 1`: all values of x in the document are the same. */
function oneDistinctValue(id: string, name: string): Rule {
  return rule(
    id,
    "fatal",
    "/Invoice | /CreditNote",
    root,
    (_, doc) => {
      const values = new Set(descendants(doc.root, name).map((el) => el.text));
      return values.size <= 1
        ? undefined
        : { at: descendants(doc.root, name)[1]!, expected: "one value", found: [...values].join(", ") };
    },
    {
      en: `Every ${name} in the invoice must have the same value.`,
      nl: `Elke ${name} in de factuur moet dezelfde waarde hebben.`,
      fr: `Chaque ${name} de la facture doit avoir la même valeur.`,
    },
  );
}

/** The payee rules also demand a payee name different from the seller's legal name. */
function payeeRule(id: string, path: string, filter: (el: XmlElement) => boolean = () => true): Rule {
  const base = atMost(id, "cac:PayeeParty", anywhere("cac:PayeeParty"), path, 1, filter);
  return {
    ...base,
    messages: {
      en: `${path} may occur at most once for the payee, whose name must differ from the seller's legal name.`,
      nl: `${path} mag hoogstens één keer voorkomen voor de begunstigde, wiens naam moet verschillen van de juridische naam van de verkoper.`,
      fr: `${path} peut apparaître au plus une fois pour le bénéficiaire, dont le nom doit différer de la raison sociale du vendeur.`,
    },
    check: (doc) => {
      const sellerNames = all(
        doc.root,
        "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
      );
      return [
        ...base.check(doc),
        ...anywhere("cac:PayeeParty")(doc).flatMap((payee) => {
          // XPath `!=` between sequences: true when some pair differs; false when either is empty.
          const names = all(payee, "cac:PartyName/cbc:Name");
          const differs = names.some((n) => sellerNames.some((s) => s.text !== n.text));
          return differs
            ? []
            : [{ at: payee, expected: "a name other than the seller's", found: names[0]?.text ?? "(absent)" }];
        }),
      ];
    },
  };
}

const INVOICE = "/Invoice | /CreditNote";
const LINE_CONTEXT = "cac:InvoiceLine | cac:CreditNoteLine";
/** `[cbc:DocumentTypeCode = '130']`: an invoiced object identifier, not a supporting document. */
const invoicedObject = (ref: XmlElement) => all(ref, "cbc:DocumentTypeCode").some((c) => c.text === "130");
const upperScheme = (el: XmlElement) => (el.attributes.get("schemeID") ?? "").toUpperCase();

const STRUCTURE_RULES: readonly Rule[] = [
  atMost("UBL-SR-01", INVOICE, root, "cac:ContractDocumentReference/cbc:ID", 1),
  atMost("UBL-SR-02", INVOICE, root, "cac:ReceiptDocumentReference/cbc:ID", 1),
  atMost("UBL-SR-03", INVOICE, root, "cac:DespatchDocumentReference/cbc:ID", 1),
  atMost("UBL-SR-04", INVOICE, root, "cac:AdditionalDocumentReference/cbc:ID", 1, (id) => invoicedObject(id.parent!)),
  atMost("UBL-SR-05", INVOICE, root, "cac:PaymentTerms/cbc:Note", 1),
  atMost("UBL-SR-06", "cac:BillingReference", anywhere("cac:BillingReference"), "cac:InvoiceDocumentReference", 1),
  rule(
    "UBL-SR-07",
    "fatal",
    "cac:BillingReference",
    anywhere("cac:BillingReference"),
    (ref) => (first(ref, "cac:InvoiceDocumentReference/cbc:ID") ? undefined : { at: ref }),
    {
      en: "A billing reference must refer to a preceding invoice (cac:InvoiceDocumentReference/cbc:ID).",
      nl: "Een factuurverwijzing moet naar een vorige factuur verwijzen (cac:InvoiceDocumentReference/cbc:ID).",
      fr: "Une référence de facturation doit renvoyer à une facture antérieure (cac:InvoiceDocumentReference/cbc:ID).",
    },
  ),
  atMost("UBL-SR-08", INVOICE, root, "cac:InvoicePeriod", 1),
  atMost(
    "UBL-SR-09",
    INVOICE,
    root,
    "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
    1,
  ),
  atMost("UBL-SR-10", INVOICE, root, "cac:AccountingSupplierParty/cac:Party/cac:PartyName/cbc:Name", 1),
  atMost("UBL-SR-11", INVOICE, root, "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", 1),
  atMost(
    "UBL-SR-12",
    INVOICE,
    root,
    "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
    1,
    (id) => isVat(id.parent!),
  ),
  atMost(
    "UBL-SR-13",
    INVOICE,
    root,
    "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
    1,
    (id) => !isVat(id.parent!) && first(id.parent!, "cac:TaxScheme/cbc:ID") !== undefined,
  ),
  atMost(
    "UBL-SR-14",
    INVOICE,
    root,
    "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyLegalForm",
    1,
  ),
  atMost(
    "UBL-SR-15",
    INVOICE,
    root,
    "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
    1,
  ),
  atMost("UBL-SR-16", INVOICE, root, "cac:AccountingCustomerParty/cac:Party/cac:PartyIdentification/cbc:ID", 1),
  atMost("UBL-SR-17", INVOICE, root, "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", 1),
  atMost(
    "UBL-SR-18",
    INVOICE,
    root,
    "cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
    1,
    (id) => isVat(id.parent!),
  ),
  payeeRule("UBL-SR-19", "cac:PartyName/cbc:Name"),
  payeeRule("UBL-SR-20", "cac:PartyIdentification/cbc:ID", (id) => upperScheme(id) !== "SEPA"),
  payeeRule("UBL-SR-21", "cac:PartyLegalEntity/cbc:CompanyID"),
  atMost(
    "UBL-SR-22",
    "cac:TaxRepresentativeParty",
    anywhere("cac:TaxRepresentativeParty"),
    "cac:PartyName/cbc:Name",
    1,
  ),
  atMost(
    "UBL-SR-23",
    "cac:TaxRepresentativeParty",
    anywhere("cac:TaxRepresentativeParty"),
    "cac:PartyTaxScheme/cbc:CompanyID",
    1,
  ),
  atMost("UBL-SR-24", INVOICE, root, "cac:Delivery", 1),
  atMost("UBL-SR-25", "cac:Delivery", anywhere("cac:Delivery"), "cac:DeliveryParty/cac:PartyName/cbc:Name", 1),
  atMost("UBL-SR-26", "cac:PaymentMeans", anywhere("cac:PaymentMeans"), "cbc:PaymentID", 1),
  atMost("UBL-SR-27", "cac:PaymentMeans", anywhere("cac:PaymentMeans"), "cbc:PaymentMeansCode", 1),
  atMost("UBL-SR-28", "cac:PaymentMeans", anywhere("cac:PaymentMeans"), "cac:PaymentMandate/cbc:ID", 1),
  rule(
    "UBL-SR-29",
    "fatal",
    INVOICE,
    root,
    (_, doc) => {
      const sepa = descendants(doc.root, "cac:PartyIdentification").flatMap((p) =>
        all(p, "cbc:ID").filter((id) => upperScheme(id) === "SEPA"),
      );
      return sepa.length <= 1 ? undefined : { at: sepa[1]!, expected: "at most 1", found: String(sepa.length) };
    },
    {
      en: "The invoice may hold at most one bank assigned creditor identifier (schemeID SEPA).",
      nl: "De factuur mag hoogstens één SEPA-incassant-ID bevatten (schemeID SEPA).",
      fr: "La facture peut contenir au plus un identifiant de créancier SEPA (schemeID SEPA).",
    },
  ),
  ...(
    [
      ["UBL-SR-30", false],
      ["UBL-SR-31", true],
    ] as const
  ).map(([id, charge]) =>
    atMost(
      id,
      `cac:AllowanceCharge[cbc:ChargeIndicator = ${charge}()]`,
      (doc) => descendants(doc.root, "cac:AllowanceCharge").filter((ac) => indicator(ac) === charge),
      "cbc:AllowanceChargeReason",
      1,
    ),
  ),
  atMost("UBL-SR-32", "cac:TaxSubtotal", anywhere("cac:TaxSubtotal"), "cac:TaxCategory/cbc:TaxExemptionReason", 1),
  atMost(
    "UBL-SR-33",
    "cac:AdditionalDocumentReference",
    anywhere("cac:AdditionalDocumentReference"),
    "cbc:DocumentDescription",
    1,
  ),
  atMost("UBL-SR-34", LINE_CONTEXT, lines, "cbc:Note", 1),
  atMost("UBL-SR-35", LINE_CONTEXT, lines, "cac:OrderLineReference/cbc:LineID", 1),
  atMost("UBL-SR-36", LINE_CONTEXT, lines, "cac:InvoicePeriod", 1),
  atMost("UBL-SR-37", LINE_CONTEXT, lines, "cac:Price/cac:AllowanceCharge/cbc:Amount", 1),
  atMost("UBL-SR-39", INVOICE, root, "cac:ProjectReference/cbc:ID", 1),
  atMost("UBL-SR-40", INVOICE, root, "cac:AccountingCustomerParty/cac:Party/cac:PartyName/cbc:Name", 1),
  atMost(
    "UBL-SR-42",
    "cac:AccountingSupplierParty/cac:Party",
    (doc) => descendants(doc.root, "cac:AccountingSupplierParty").flatMap((p) => all(p, "cac:Party")),
    "cac:PartyTaxScheme",
    2,
  ),
  rule(
    "UBL-SR-43",
    "fatal",
    "cac:AdditionalDocumentReference",
    anywhere("cac:AdditionalDocumentReference"),
    (ref, doc) => {
      const codes = all(ref, "cbc:DocumentTypeCode").map((c) => c.text);
      const ids = all(ref, "cbc:ID");
      const ok =
        codes.includes("130") ||
        (doc.kind === "CreditNote" && codes.includes("50")) ||
        (!ids.some((id) => id.attributes.has("schemeID")) && codes.length === 0);
      return ok ? undefined : { at: ref };
    },
    {
      en: "Only an invoiced object identifier (130) or, in a credit note, a tender or lot reference (50) may give a document type code or a schemeID.",
      nl: "Enkel een gefactureerd object (130) of, in een creditnota, een aanbestedings- of perceelreferentie (50) mag een documenttypecode of schemeID hebben.",
      fr: "Seul un objet facturé (130) ou, dans une note de crédit, une référence d'appel d'offres ou de lot (50) peut avoir un code de type de document ou un schemeID.",
    },
  ),
  oneDistinctValue("UBL-SR-44", "cbc:PaymentID"),
  atMost("UBL-SR-45", INVOICE, root, "cac:PaymentMeans/cbc:PaymentDueDate", 1),
  {
    ...atMost("UBL-SR-46", INVOICE, root, "cac:PaymentMeans/cbc:PaymentMeansCode", 1, (code) =>
      code.attributes.has("name"),
    ),
    messages: {
      en: "At most one payment means code may carry a name (@name).",
      nl: "Hoogstens één betaalmiddelcode mag een naam hebben (@name).",
      fr: "Au plus un code de moyen de paiement peut porter un nom (@name).",
    },
  },
  oneDistinctValue("UBL-SR-47", "cbc:PaymentMeansCode"),
  atMost("UBL-SR-48", LINE_CONTEXT, lines, "cac:Item/cac:ClassifiedTaxCategory", 1, undefined, true),
  atMost("UBL-SR-49", INVOICE, root, "cac:InvoicePeriod/cbc:DescriptionCode", 1),
  atMost("UBL-SR-50", LINE_CONTEXT, lines, "cac:Item/cbc:Description", 1),
  atMost(
    "UBL-SR-51",
    "//cac:PostalAddress | //cac:Address",
    (doc) => [...descendants(doc.root, "cac:PostalAddress"), ...descendants(doc.root, "cac:Address")],
    "cac:AddressLine",
    1,
  ),
  atMost("UBL-SR-52", LINE_CONTEXT, lines, "cac:DocumentReference", 1),
  rule(
    "UBL-SR-53",
    "fatal",
    "cac:PartyTaxScheme",
    anywhere("cac:PartyTaxScheme"),
    (scheme) => (first(scheme, "cac:TaxScheme/cbc:ID") && first(scheme, "cbc:CompanyID") ? undefined : { at: scheme }),
    {
      en: "A party tax scheme must give both the tax scheme (cac:TaxScheme/cbc:ID) and the identifier (cbc:CompanyID).",
      nl: "Een fiscaal schema van een partij moet zowel het schema (cac:TaxScheme/cbc:ID) als het nummer (cbc:CompanyID) geven.",
      fr: "Un régime fiscal de partie doit indiquer le régime (cac:TaxScheme/cbc:ID) et l'identifiant (cbc:CompanyID).",
    },
  ),
  atMost("UBL-SR-54", INVOICE, root, "cac:PaymentMeans/cac:CardAccount", 1),
  atMost("UBL-SR-55", INVOICE, root, "cac:PaymentMeans/cac:PaymentMandate", 1),
  atMost("UBL-SR-56", INVOICE, root, "cac:OriginatorDocumentReference/cbc:ID", 1),
];

/** DT-08..28: attributes EN 16931 does not use, in the official order. */
const UNUSED_ATTRIBUTES = [
  "schemeName",
  "schemeAgencyName",
  "schemeDataURI",
  "schemeURI",
  "format",
  "unitCodeListIdentifier",
  "unitCodeListAgencyIdentifier",
  "unitCodeListAgencyName",
  "listAgencyName",
  "listName",
  "name",
  "languageID",
  "listURI",
  "listSchemeURI",
  "languageLocaleID",
  "uri",
  "currencyCodeListVersionID",
  "characterSetCode",
  "encodingCode",
  "schemeAgencyID",
  "listAgencyID",
] as const;
const dtId = (n: number) => `UBL-DT-${String(n).padStart(2, "0")}`;
const ATTRIBUTE_RULE = new Map<string, string>([
  ...UNUSED_ATTRIBUTES.map((name, i) => [name, dtId(8 + i)] as [string, string]),
  ["unitCodeListID", "UBL-CR-663"],
]);

/** Elements the data type rules judge, collected in one walk over the whole document. */
const typed = new WeakMap<XmlElement, Map<string, XmlElement[]>>();

function dataTypeFindings(doc: UblDocument): Map<string, XmlElement[]> {
  const known = typed.get(doc.root);
  if (known) return known;
  const hits = new Map<string, XmlElement[]>();
  const add = (id: string, el: XmlElement) => {
    const list = hits.get(id);
    if (list) list.push(el);
    else hits.set(id, [el]);
  };
  // `not(ancestor::cac:Price/cac:AllowanceCharge)`: inside a price that has an allowance, amounts are not judged.
  const walk = (el: XmlElement, inDiscountedPrice: boolean): void => {
    if (el.attributes.size > 0)
      for (const name of el.attributes.keys()) {
        const id = ATTRIBUTE_RULE.get(name);
        if (id && !(name === "name" && el.ns === NS.cbc && el.local === "PaymentMeansCode")) add(id, el);
      }
    if (el.local.endsWith("Amount") && !el.local.endsWith("PriceAmount") && !inDiscountedPrice) {
      const dot = el.text.indexOf(".");
      if (dot >= 0 && el.text.length - dot - 1 > 2) add("UBL-DT-01", el);
    }
    if (el.local.endsWith("BinaryObject")) {
      if (!el.attributes.has("mimeCode")) add("UBL-DT-06", el);
      if (!el.attributes.has("filename")) add("UBL-DT-07", el);
    }
    const discounted =
      inDiscountedPrice ||
      (el.ns === NS.cac &&
        el.local === "Price" &&
        el.children.some((c) => c.ns === NS.cac && c.local === "AllowanceCharge"));
    for (const child of el.children) walk(child, discounted);
  };
  walk(doc.root, false);
  typed.set(doc.root, hits);
  return hits;
}

const DATA_TYPE_RULES: readonly Rule[] = [
  {
    id: "UBL-DT-01",
    severity: "fatal",
    terms: [],
    context: "//*[ends-with(name(), 'Amount') and not(ends-with(name(), 'PriceAmount'))]",
    messages: {
      en: "An amount may have at most two decimals.",
      nl: "Een bedrag mag hoogstens twee decimalen hebben.",
      fr: "Un montant peut avoir au plus deux décimales.",
    },
    check: (doc) =>
      (dataTypeFindings(doc).get("UBL-DT-01") ?? []).map((at) => ({
        at,
        expected: "at most 2 decimals",
        found: at.text.trim(),
      })),
  },
  ...(
    [
      ["UBL-DT-06", "mimeCode", "MIME code"],
      ["UBL-DT-07", "filename", "file name"],
    ] as const
  ).map(([id, attribute, what]): Rule => ({
    id,
    severity: "fatal",
    terms: [],
    context: "//*[ends-with(name(), 'BinaryObject')]",
    messages: {
      en: `An attached binary object must have a ${what} (@${attribute}).`,
      nl: `Een bijgevoegd binair object moet een ${what === "MIME code" ? "MIME-code" : "bestandsnaam"} hebben (@${attribute}).`,
      fr: `Un objet binaire joint doit avoir ${what === "MIME code" ? "un code MIME" : "un nom de fichier"} (@${attribute}).`,
    },
    check: (doc) => (dataTypeFindings(doc).get(id) ?? []).map((at) => ({ at })),
  })),
  ...[...ATTRIBUTE_RULE].map(([attribute, id]): Rule => ({
    id,
    severity: "warning",
    terms: [],
    context: INVOICE,
    messages: {
      en: `The attribute @${attribute}${attribute === "name" ? " (other than on cbc:PaymentMeansCode)" : ""} is not used by EN 16931 and should not be in the invoice.`,
      nl: `Het attribuut @${attribute}${attribute === "name" ? " (behalve op cbc:PaymentMeansCode)" : ""} wordt niet gebruikt door EN 16931 en hoort niet in de factuur.`,
      fr: `L'attribut @${attribute}${attribute === "name" ? " (sauf sur cbc:PaymentMeansCode)" : ""} n'est pas utilisé par l'EN 16931 et ne devrait pas figurer dans la facture.`,
    },
    check: (doc) => {
      const at = dataTypeFindings(doc).get(id)?.[0];
      return at ? [{ at }] : [];
    },
  })),
];

/** The UBL-CR rules that test more than one path. */
function unusedElementRule(
  id: string,
  severity: Severity,
  what: string,
  test: (doc: UblDocument) => XmlElement | undefined,
): Rule {
  const must = severity === "fatal";
  return {
    id,
    severity,
    terms: [],
    context: INVOICE,
    messages: {
      en: `${what} is not used by EN 16931 and ${must ? "must" : "should"} not be in the invoice.`,
      nl: `${what} wordt niet gebruikt door EN 16931 en ${must ? "mag" : "hoort"} niet in de factuur${must ? " staan" : ""}.`,
      fr: `${what} n'est pas utilisé par l'EN 16931 et ${must ? "ne peut pas" : "ne devrait pas"} figurer dans la facture.`,
    },
    check: (doc) => {
      const at = test(doc);
      return at ? [{ at }] : [];
    },
  };
}

const MULTI_PATH_RULES: readonly Rule[] = [
  unusedElementRule("UBL-CR-002", "warning", "A cbc:UBLVersionID other than 2.1", (doc) =>
    all(doc.root, "cbc:UBLVersionID").some((v) => v.text === "2.1") ? undefined : first(doc.root, "cbc:UBLVersionID"),
  ),
  unusedElementRule("UBL-CR-412", "warning", "cac:PaymentMeans/cbc:PaymentDueDate (in an invoice)", (doc) =>
    doc.kind === "CreditNote" ? undefined : first(doc.root, "cac:PaymentMeans/cbc:PaymentDueDate"),
  ),
  unusedElementRule("UBL-CR-665", "warning", "A schemeID on a supporting document's cbc:ID", (doc) =>
    descendants(doc.root, "cac:AdditionalDocumentReference")
      .filter((ref) => {
        const codes = all(ref, "cbc:DocumentTypeCode");
        return codes.length === 0 || codes.some((c) => c.text !== "130");
      })
      .flatMap((ref) => all(ref, "cbc:ID"))
      .find((id) => id.attributes.has("schemeID")),
  ),
  unusedElementRule(
    "UBL-CR-666",
    "fatal",
    "An attachment to an invoiced object identifier (document type 130)",
    (doc) =>
      descendants(doc.root, "cac:AdditionalDocumentReference")
        .filter(invoicedObject)
        .flatMap((ref) => all(ref, "cac:Attachment"))[0],
  ),
  unusedElementRule(
    "UBL-CR-673",
    "fatal",
    "A description of an invoiced object identifier (document type 130)",
    (doc) =>
      descendants(doc.root, "cac:AdditionalDocumentReference")
        .filter(invoicedObject)
        .flatMap((ref) => all(ref, "cbc:DocumentDescription"))[0],
  ),
];

export const UBL_SYNTAX_RULES: readonly Rule[] = [
  ...FORBIDDEN_ELEMENTS.map(([n, path]) => forbiddenRule(n, path)),
  ...MULTI_PATH_RULES,
  ...STRUCTURE_RULES,
  ...DATA_TYPE_RULES,
];
