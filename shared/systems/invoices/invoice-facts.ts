/**
 * What forwarding needs to know of a UBL document, read in the same parse as its
 * validation: the verdict, the identity that makes two documents the same invoice
 * (fingerprint) or the same number (number key), and the Clearfacts administration.
 */
import { createHash } from "node:crypto";
import { formatDecimal } from "./validation/decimal.js";
import type { Language } from "./validation/rule-engine.js";
import { DEFAULT_XML_LIMITS, parseXml, XmlRefusedError } from "./validation/safe-xml.js";
import { decimalOf, first, textOf, ublDocument, type UblDocument } from "./validation/ubl-document.js";
import { validateInvoiceXml, validateUblElement, type ValidationReport } from "./validation/validate.js";

export type InvoiceType = "PURCHASE" | "SALE";

export interface InvoiceFacts {
  readonly kind: "Invoice" | "CreditNote";
  /** BT-1; "" when absent (the report then has BR-02). */
  readonly number: string;
  /** Seller VAT (BT-31), else legal registration (BT-30), else identifier (BT-29), normalised. */
  readonly sellerKey: string;
  readonly sellerVat: string | null;
  readonly buyerVat: string | null;
  readonly issueDate: string;
  /** BT-115 as a canonical decimal ("121.5", not "121.50"), so formatting does not split an invoice. */
  readonly payableAmount: string;
  readonly currency: string;
  readonly fingerprint: string;
  readonly numberKey: string;
}

export interface ReadInvoice {
  readonly report: ValidationReport;
  /** Undefined when the document is not a UBL Invoice/CreditNote at all. */
  readonly facts: InvoiceFacts | undefined;
}

/** Validates and reads the document with one parse. */
export function readInvoice(content: Uint8Array, maxBytes: number, language: Language = "en"): ReadInvoice {
  const limits = { ...DEFAULT_XML_LIMITS, maxBytes };
  let doc: UblDocument;
  try {
    doc = ublDocument(parseXml(content, limits));
  } catch (error) {
    if (!(error instanceof XmlRefusedError)) throw error;
    // The refusal as a report (the validator words it in the asked language).
    return { report: validateInvoiceXml(content, { language, limits }), facts: undefined };
  }
  return { report: validateUblElement(doc.root, language), facts: factsOf(doc) };
}

/** The administration an invoice is filed under: the buyer for a purchase, the seller for a sale. */
export function administrationOf(facts: InvoiceFacts, type: InvoiceType): string | null {
  return type === "PURCHASE" ? facts.buyerVat : facts.sellerVat;
}

function factsOf(doc: UblDocument): InvoiceFacts {
  const root = doc.root;
  const seller = first(root, "cac:AccountingSupplierParty/cac:Party");
  const buyer = first(root, "cac:AccountingCustomerParty/cac:Party");
  const sellerVat = vatOf(seller);
  const sellerKey =
    sellerVat ??
    identifier(
      textOf(seller, "cac:PartyLegalEntity/cbc:CompanyID") ||
        textOf(seller, "cac:PartyIdentification/cbc:ID") ||
        textOf(seller, "cac:PartyName/cbc:Name"),
    );
  const number = textOf(root, "cbc:ID");
  const issueDate = textOf(root, "cbc:IssueDate");
  const payable = decimalOf(first(root, "cac:LegalMonetaryTotal/cbc:PayableAmount"));
  const payableAmount = payable ? canonical(formatDecimal(payable)) : "";
  const currency = textOf(root, "cbc:DocumentCurrencyCode").toUpperCase();
  return {
    kind: doc.kind,
    number,
    sellerKey,
    sellerVat,
    buyerVat: vatOf(buyer),
    issueDate,
    payableAmount,
    currency,
    numberKey: sha256([doc.kind, sellerKey, number]),
    fingerprint: sha256([doc.kind, sellerKey, number, issueDate, payableAmount, currency]),
  };
}

function vatOf(party: ReturnType<typeof first>): string | null {
  if (!party) return null;
  const vat = identifier(textOf(party, "cac:PartyTaxScheme/cbc:CompanyID"));
  return vat || null;
}

/** "BE 0123.456.749" and "be0123456749" are one identifier. */
function identifier(text: string): string {
  return text.replace(/[\s.\-/]/g, "").toUpperCase();
}

/** "121.50" → "121.5", "100.00" → "100": the amount's value, not its formatting. */
function canonical(decimal: string): string {
  return decimal.includes(".") ? decimal.replace(/0+$/, "").replace(/\.$/, "") : decimal;
}

function sha256(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\u001f")).digest("hex");
}
