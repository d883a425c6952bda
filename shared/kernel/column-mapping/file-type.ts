// Is this file a budget at all? Payroll exports, expense reports and invoice registers are
// recognised by the combination of their columns (headers and value shapes), not the file
// name, so they are refused before anyone imports salaries as budget lines.
import { bestAssignment } from "./assignment.js";
import { BUDGET_TARGETS } from "./budget-targets.js";
import { type ColumnProfile, DEFAULT_SAMPLE_ROWS, profileColumns } from "./column-profile.js";
import { proposeMappings } from "./column-mapper.js";
import { matchHeader, normalizeHeader } from "./header-text.js";
import type { MappingProposal, ParsedTable } from "./targets.js";

export type FileType = "budget" | "payroll" | "expenses" | "invoice";

export interface FileTypeDetection {
  readonly likelyFileType: FileType;
  /** Confidence in `likelyFileType`, 0..1. */
  readonly confidence: number;
  /** How much the file looks like a budget: the mean confidence of the required budget fields. */
  readonly budgetConfidence: number;
  readonly warnings: readonly string[];
  /** Person-level data (names with pay, IBANs, social security numbers): the caller must not keep it. */
  readonly containsPersonalData: boolean;
}

export interface FileVerdict {
  readonly fileTypeDetection: FileTypeDetection;
  /** False for payroll, expense reports and invoice registers. */
  readonly canProceed: boolean;
}

/** A type is declared when this share of its column groups is present, its essential ones included. */
export const FILE_TYPE_THRESHOLD = 0.6;
/** Below the threshold but at least this: a warning that the file has some of that type's columns. */
const HINT_THRESHOLD = 0.35;
/** A budget with less than this budget confidence is accepted with a warning. */
const WEAK_BUDGET = 0.5;

interface ColumnGroup {
  readonly name: string;
  readonly essential: boolean;
  /** Header words in EN/NL/FR/DE/ES, matched like target aliases. */
  readonly headers: readonly string[];
  /** Words too common to count inside a longer header ("Cost Center Name" is no person). */
  readonly exactHeaders?: readonly string[];
  /** Evidence from values alone, 0..1. */
  readonly values?: (column: ColumnProfile) => number;
}

interface TypeSignature {
  readonly type: Exclude<FileType, "budget">;
  readonly description: string;
  readonly groups: readonly ColumnGroup[];
}

/** "gross pay|net pay" → ["gross pay", "net pay"]: header words, accents and case folded later. */
const words = (list: string) => list.split("|");

const SIGNATURES: readonly TypeSignature[] = [
  {
    type: "payroll",
    description: "a payroll file",
    groups: [
      {
        name: "person",
        essential: false,
        headers: words(
          "employee name|full name|first name|last name|surname|given name|werknemer|medewerker|voornaam|" +
            "achternaam|prénom|salarié|mitarbeiter|vorname|nachname|empleado|apellido|apellidos",
        ),
        exactHeaders: words("employee|name|nom|naam|nombre|employé"),
        values: (c) => (c.fit.text >= 0.8 ? c.personNames : 0),
      },
      {
        name: "pay",
        essential: true,
        headers: words(
          "gross pay|net pay|gross salary|net salary|salary|wage|wages|base pay|overtime|payroll|brutoloon|" +
            "nettoloon|salaris|loon|salaire|salaire brut|salaire net|gehalt|lohn|bruttolohn|nettolohn|salario|" +
            "salario bruto|salario neto|sueldo|nómina",
        ),
        exactHeaders: words("gross|net|bruto|netto|brutto"),
      },
      {
        name: "identity",
        essential: false,
        headers: words(
          "ssn|social security|social security number|national insurance|ni number|tax id|tin|bsn|iban|" +
            "bank account|sort code|numéro de sécurité sociale|sozialversicherungsnummer|steuer id|steuernummer|" +
            "dni|nif|nss|número de seguridad social|cuenta bancaria|date of birth|dob|geboortedatum|geburtsdatum|" +
            "date de naissance|fecha de nacimiento",
        ),
        values: (c) => Math.max(c.ibans, c.ssns),
      },
    ],
  },
  {
    type: "expenses",
    description: "an expense report",
    groups: [
      {
        name: "employee",
        essential: true,
        headers: words(
          "employee|employee name|employee id|submitted by|claimant|spender|cardholder|werknemer|medewerker|" +
            "declarant|employé|salarié|mitarbeiter|empleado|solicitante",
        ),
      },
      {
        name: "expense date",
        essential: true,
        headers: words(
          "expense date|transaction date|receipt date|purchase date|uitgavedatum|date de dépense|belegdatum|" +
            "fecha del gasto",
        ),
        exactHeaders: words("date|datum|fecha"),
        values: (c) => (c.fit.date >= 0.8 ? c.fit.date : 0),
      },
      {
        name: "merchant or category",
        essential: false,
        headers: words(
          "merchant|vendor|payee|store|expense category|expense type|category|business purpose|purpose|receipt|" +
            "reimbursable|mileage|handelaar|winkel|declaratie|commerçant|note de frais|händler|spesen|reisekosten|" +
            "comercio|establecimiento|gasto|tipo de gasto",
        ),
        exactHeaders: words("description|omschrijving|libellé|beschreibung|descripción"),
      },
      {
        name: "amount",
        essential: false,
        headers: words("expense amount|reimbursement|bedrag|montant|betrag|importe|monto"),
        exactHeaders: words("amount|total"),
        values: (c) => (c.fit.amount >= 0.8 ? c.fit.amount : 0),
      },
    ],
  },
  {
    type: "invoice",
    description: "an invoice register",
    groups: [
      {
        name: "invoice number",
        essential: true,
        headers: words(
          "invoice number|invoice no|invoice nr|invoice id|invoice|inv no|inv number|bill number|factuurnummer|" +
            "factuur nr|factuur|numéro de facture|facture|rechnungsnummer|rechnung nr|rechnung|número de factura|" +
            "factura|folio",
        ),
      },
      {
        name: "vendor or customer",
        essential: false,
        headers: words(
          "vendor|supplier|customer|client|bill to|sold to|vendor name|supplier name|customer name|leverancier|" +
            "klant|debiteur|crediteur|fournisseur|lieferant|kunde|proveedor|cliente",
        ),
      },
      {
        name: "invoice date",
        essential: false,
        headers: words(
          "invoice date|document date|issue date|billing date|factuurdatum|date de facture|date facture|" +
            "rechnungsdatum|fecha de factura|fecha factura|fecha de emisión",
        ),
        exactHeaders: words("date|datum|fecha"),
      },
      {
        name: "due date",
        essential: false,
        headers: words(
          "due date|payment due|vervaldatum|date d'échéance|échéance|fälligkeitsdatum|fällig|" +
            "fecha de vencimiento|vencimiento",
        ),
        exactHeaders: words("due"),
      },
      {
        name: "tax",
        essential: false,
        headers: words(
          "vat|tax|sales tax|vat amount|tax amount|gst|btw|tva|mwst|ust|umsatzsteuer|mehrwertsteuer|iva|impuesto",
        ),
      },
      {
        name: "total",
        essential: false,
        headers: words(
          "total|total amount|amount due|gross amount|net amount|invoice total|totaal|montant ttc|total ttc|" +
            "montant ht|gesamtbetrag|bruttobetrag|nettobetrag|importe total|total factura",
        ),
        exactHeaders: words("amount|bedrag|montant|betrag|importe|monto"),
      },
    ],
  },
];

const PREPARED = SIGNATURES.map((s) => ({
  ...s,
  groups: s.groups.map((g) => ({
    ...g,
    normalized: g.headers.map((h) => [normalizeHeader(h), h] as const),
    exact: (g.exactHeaders ?? []).map((h) => [normalizeHeader(h), h] as const),
  })),
}));

interface TypeScore {
  readonly signature: TypeSignature;
  readonly score: number;
  /** Labels of the columns that matched, in column order. */
  readonly columns: readonly string[];
}

/** Each column counts for one group at most (the best total), so "Invoice Date" is not also the number. */
function scoreType(signature: (typeof PREPARED)[number], columns: readonly ColumnProfile[]): TypeScore {
  const weights = columns.map((column) =>
    signature.groups.map((group) => {
      let best = 0;
      for (const [normalized, text] of group.normalized) {
        best = Math.max(best, matchHeader(column.normalized, normalized, text)?.score ?? 0);
      }
      for (const [normalized, text] of group.exact) {
        const match = matchHeader(column.normalized, normalized, text);
        if (match && match.kind !== "contains") best = Math.max(best, match.score);
      }
      // Values count a little less than a header that names the group.
      const fromValues = group.values ? 0.8 * group.values(column) : 0;
      const score = Math.max(best, fromValues);
      return score >= 0.6 ? Math.round(score * 1000) : 0;
    }),
  );
  const pairs = bestAssignment(weights);
  const matchedGroups = new Set(pairs.map(([, gi]) => signature.groups[gi]!.name));
  const essentialsMet = signature.groups.every((g) => !g.essential || matchedGroups.has(g.name));
  const share = matchedGroups.size / signature.groups.length;
  // Without its essential columns a file is never that type, however many others it shares.
  const score = essentialsMet ? share : Math.min(share, HINT_THRESHOLD - 0.01);
  return {
    signature,
    score: Math.round(score * 100) / 100,
    columns: pairs
      .map(([ci]) => ci)
      .sort((a, b) => a - b)
      .map((ci) => columns[ci]!.label),
  };
}

/** How much the file looks like a budget: the mean confidence of the required budget fields (0 if missing). */
function meanRequiredConfidence(proposal: MappingProposal): number {
  const required = BUDGET_TARGETS.filter((t) => t.required);
  const confidenceOf = (name: string) => proposal.mappings.find((m) => m.targetField === name)?.confidence ?? 0;
  const total = required.reduce((sum, t) => sum + confidenceOf(t.name), 0);
  return Math.round((total / required.length) * 100) / 100;
}

const quoteList = (labels: readonly string[]) => labels.map((l) => `'${l}'`).join(", ");

/**
 * Decides what kind of file `table` is. `budgetProposal` is the budget mapping already made for
 * it (made here when absent); the budget confidence is the mean confidence of its required fields.
 */
export function detectFileType(
  table: ParsedTable,
  budgetProposal?: MappingProposal,
  sampleRows = DEFAULT_SAMPLE_ROWS,
): FileVerdict {
  const columns = profileColumns(table, sampleRows);
  const proposal = budgetProposal ?? proposeMappings(table, BUDGET_TARGETS, { sampleRows });
  const budgetConfidence = meanRequiredConfidence(proposal);

  const scores = PREPARED.map((signature) => scoreType(signature, columns));
  // The strongest other type; payroll first among equals, as it is the one that must not be kept.
  const top = scores.reduce((best, s) => (s.score > best.score ? s : best));
  const payroll = scores.find((s) => s.signature.type === "payroll")!;
  const personalColumns = columns.filter((c) => c.ibans >= 0.5 || c.ssns >= 0.5).map((c) => c.label);
  const containsPersonalData = payroll.score >= FILE_TYPE_THRESHOLD || personalColumns.length > 0;

  if (top.score >= FILE_TYPE_THRESHOLD) {
    const pii = top.signature.type === "payroll" ? " It holds personal data and is not kept." : "";
    const warnings = [
      `This looks like ${top.signature.description} (columns ${quoteList(top.columns)}), not a budget: it cannot be imported as one.${pii}`,
    ];
    if (top.signature.type !== "payroll" && personalColumns.length > 0) {
      warnings.push(`Columns ${quoteList(personalColumns)} hold personal data (IBANs or social security numbers).`);
    }
    return {
      fileTypeDetection: {
        likelyFileType: top.signature.type,
        confidence: top.score,
        budgetConfidence,
        warnings,
        containsPersonalData,
      },
      canProceed: false,
    };
  }

  const warnings: string[] = [];
  if (budgetConfidence < WEAK_BUDGET) {
    const missing = proposal.missingRequired.length > 0 ? `; not found: ${proposal.missingRequired.join(", ")}` : "";
    warnings.push(`Few budget columns were recognised (budget confidence ${budgetConfidence}${missing}).`);
  }
  for (const s of scores) {
    if (s.score >= HINT_THRESHOLD) {
      warnings.push(
        `Some columns look like ${s.signature.description} (${quoteList(s.columns)}); check that this is a budget.`,
      );
    }
  }
  if (personalColumns.length > 0) {
    warnings.push(`Columns ${quoteList(personalColumns)} hold personal data (IBANs or social security numbers).`);
  }
  return {
    fileTypeDetection: {
      likelyFileType: "budget",
      confidence: budgetConfidence,
      budgetConfidence,
      warnings,
      containsPersonalData,
    },
    canProceed: true,
  };
}
