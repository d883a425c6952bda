import { seededRandom } from "../../kernel/seeded-random.js";
import { monthYear } from "./analytics-dimensions.js";
import type { ExpenseLine } from "./expense-line.js";

/**
 * A deterministic synthetic `finance_expense` dataset for the local host, tests and
 * benchmarks: the same seed and row count give the same rows. Realistic dimensions (three
 * company codes, one of them in USD; 40 cost centers; seven functional areas with their
 * GL accounts and suppliers; fiscal years 2024–2025, periods 1–12 and a few special-period
 * 13–16 postings) and a handful of PLANTED facts, so a new user and the tests can see the
 * exploration, anomaly and root-cause features find them. Reference the facts through
 * `PLANTED`, never by copying its numbers.
 */

export const SYNTHETIC_FISCAL_YEARS = [2024, 2025] as const;
export const DEFAULT_SYNTHETIC_SEED = 20_260_101;

interface Company {
  readonly code: string;
  readonly currency: "EUR" | "USD";
  readonly region: string;
  readonly entity: string;
}

const COMPANIES: readonly Company[] = [
  { code: "1000", currency: "EUR", region: "DACH", entity: "Contoso Deutschland GmbH" },
  { code: "2000", currency: "EUR", region: "Benelux", entity: "Contoso Nederland B.V." },
  { code: "3000", currency: "USD", region: "North America", entity: "Contoso Inc." },
];

interface FunctionalArea {
  readonly code: string;
  readonly name: string;
  /** Median posting in minor units (before the cost center's scale). */
  readonly typicalMinor: number;
  /** Share of the baseline rows. */
  readonly weight: number;
  readonly accounts: readonly (readonly [string, string])[];
  readonly suppliers: readonly string[];
}

const FUNCTIONAL_AREAS: readonly FunctionalArea[] = [
  {
    code: "TRAVEL",
    name: "Travel & Expenses",
    typicalMinor: 45_000,
    weight: 0.22,
    accounts: [
      ["640100", "Travel - Air"],
      ["640200", "Travel - Hotel"],
      ["640300", "Travel - Ground Transport"],
    ],
    suppliers: [
      "Atlas Corporate Travel GmbH",
      "Lufthansa AG",
      "KLM Royal Dutch Airlines",
      "Marriott International",
      "Deutsche Bahn AG",
      "Sixt SE",
    ],
  },
  {
    code: "IT",
    name: "Information Technology",
    typicalMinor: 250_000,
    weight: 0.18,
    accounts: [
      ["651000", "Software Licences"],
      ["652000", "IT Hardware"],
      ["653000", "Cloud Services"],
    ],
    suppliers: ["Microsoft Ireland Operations Ltd", "Dell Technologies", "SAP SE", "Amazon Web Services EMEA"],
  },
  {
    code: "FACILITIES",
    name: "Facilities",
    typicalMinor: 180_000,
    weight: 0.14,
    accounts: [
      ["660100", "Rent"],
      ["660200", "Utilities"],
      ["660300", "Cleaning & Maintenance"],
    ],
    suppliers: ["ISS Facility Services", "Vattenfall Europe", "CBRE Property Management"],
  },
  {
    code: "MARKETING",
    name: "Marketing",
    typicalMinor: 120_000,
    weight: 0.14,
    accounts: [
      ["670100", "Advertising"],
      ["670200", "Events & Trade Fairs"],
    ],
    suppliers: ["Publicis Media", "Google Ireland Ltd", "Messe Frankfurt GmbH", "Ogilvy Group"],
  },
  {
    code: "CONSULTING",
    name: "Consulting & Professional Services",
    typicalMinor: 400_000,
    weight: 0.1,
    accounts: [
      ["680100", "Management Consulting"],
      ["680200", "Legal & Audit"],
    ],
    suppliers: ["McKinsey & Company", "KPMG AG", "Accenture GmbH", "Baker McKenzie"],
  },
  {
    code: "TRAINING",
    name: "Training & Development",
    typicalMinor: 60_000,
    weight: 0.08,
    accounts: [["690100", "Training Courses"]],
    suppliers: ["Udemy Business", "Haufe Akademie", "Coursera Inc."],
  },
  {
    code: "OFFICE",
    name: "Office Supplies",
    typicalMinor: 15_000,
    weight: 0.14,
    accounts: [["695100", "Office Supplies"]],
    suppliers: ["Staples Solutions", "Viking Direct", "Lyreco"],
  },
];

const DIRECTORATES = ["Operations", "Sales", "Technology", "Finance & Administration", "Corporate Services"] as const;
const SITES = ["Berlin", "Munich", "Hamburg", "Frankfurt", "Amsterdam", "Rotterdam", "Chicago", "Boston"] as const;

interface CostCenter {
  readonly id: string;
  readonly name: string;
  readonly company: Company;
  readonly directorate: string;
  readonly home: FunctionalArea;
  /** How large this cost center's postings are against its area's typical one. */
  readonly scale: number;
}

/** 40 cost centers: 24 in company 1000, 12 in 2000, 4 in 3000 (USD). */
const COST_CENTERS: readonly CostCenter[] = Array.from({ length: 40 }, (_, i) => {
  const company = i < 24 ? COMPANIES[0]! : i < 36 ? COMPANIES[1]! : COMPANIES[2]!;
  const directorate = DIRECTORATES[i % DIRECTORATES.length]!;
  const site = i < 24 ? SITES[i % 4]! : i < 36 ? SITES[4 + (i % 2)]! : SITES[6 + (i % 2)]!;
  return {
    id: `CC${1001 + i}`,
    name: `${directorate} ${site} ${1 + Math.floor(i / 8)}`,
    company,
    directorate,
    home: FUNCTIONAL_AREAS[i % FUNCTIONAL_AREAS.length]!,
    scale: 0.7 + ((i * 37) % 9) / 10,
  };
});

function costCenter(id: string): CostCenter {
  return COST_CENTERS.find((c) => c.id === id)!;
}

function area(code: string): FunctionalArea {
  return FUNCTIONAL_AREAS.find((a) => a.code === code)!;
}

/** The median posting of an area in a cost center (what an outlier is a multiple of). */
export function typicalPostingMinor(costCenterId: string, functionalArea: string): number {
  return Math.round(area(functionalArea).typicalMinor * costCenter(costCenterId).scale);
}

const outlier = (
  reference: string,
  costCenterId: string,
  functionalArea: string,
  fiscalYear: number,
  postingPeriod: number,
  multiple: number,
  debitCredit: "S" | "H",
) => ({
  reference,
  costCenterId,
  functionalArea,
  fiscalYear,
  postingPeriod,
  monthYear: monthYear(fiscalYear, postingPeriod),
  multiple,
  debitCredit,
  valueMinor: multiple * typicalPostingMinor(costCenterId, functionalArea),
});

/**
 * What the dataset holds on purpose. Tests and docs reference these; the generator builds
 * the rows from them.
 */
export const PLANTED = {
  /** Single-row outliers: a multiple of their cost center's median posting in that area. */
  outliers: [
    outlier("INV-2024-900001", "CC1015", "TRAVEL", 2024, 6, 40, "S"),
    outlier("INV-2024-900002", "CC1005", "CONSULTING", 2024, 2, 30, "S"),
    outlier("INV-2025-900003", "CC1023", "IT", 2025, 9, 25, "S"),
    outlier("CRN-2025-900004", "CC1031", "FACILITIES", 2025, 5, 20, "H"),
  ],
  /** A month-over-month spike: every posting of this dimension value in this period is scaled. */
  spike: {
    dimension: "functional_area",
    value: "MARKETING",
    monthYear: "2024-11",
    previousMonthYear: "2024-10",
    factor: 2,
    /** The trend threshold it clears by far (the seed's 30%). */
    minimumChangePct: 30,
  },
  /**
   * The period-over-period driver: travel in March (period 03) of 2025 rose against February
   * mainly because of one cost center buying from one supplier. Its extra rows total
   * `upliftOfPrevious` times the previous period's whole travel spend in EUR.
   */
  driver: {
    functionalArea: "TRAVEL",
    monthYear: "2025-03",
    previousMonthYear: "2025-02",
    fiscalYear: 2025,
    postingPeriod: 3,
    costCenterId: "CC1008",
    supplier: "Atlas Corporate Travel GmbH",
    upliftOfPrevious: 1.2,
    rows: 12,
    referencePrefix: "ACT-2025-03-",
  },
  dataQuality: {
    /** Rows with no cost center (a missing key). */
    missingCostCenterRows: 5,
    missingCostCenterReferencePrefix: "NOCC-",
    /**
     * Postings entered twice: same company, period, cost center, account, supplier,
     * reference and amount; only the header text differs, so the fingerprints do too.
     */
    duplicatePairs: 3,
    duplicateReferencePrefix: "DUP-",
    currencies: ["EUR", "USD"],
    /** A load that never arrived: company 3000 has no postings in this period. */
    periodWithoutData: { companyCode: "3000", monthYear: "2025-08", fiscalYear: 2025, postingPeriod: 8 },
  },
} as const;

/** Rows the planted facts add beyond the baseline. */
export const PLANTED_ROW_COUNT =
  PLANTED.outliers.length +
  PLANTED.driver.rows +
  PLANTED.dataQuality.missingCostCenterRows +
  2 * PLANTED.dataQuality.duplicatePairs;

export interface SyntheticExpenseOptions {
  /** Total rows (baseline plus the planted ones; at least PLANTED_ROW_COUNT). */
  readonly rows: number;
  readonly seed?: number;
}

/**
 * The dataset as a stream (a million rows in bounded memory): the baseline first, the
 * planted rows last (the driver's size depends on the baseline's February travel spend).
 */
export function* syntheticExpenses(options: SyntheticExpenseOptions): Generator<ExpenseLine> {
  const random = seededRandom(options.seed ?? DEFAULT_SYNTHETIC_SEED);
  const baseline = Math.max(0, options.rows - PLANTED_ROW_COUNT);
  const areaPick = cumulative(FUNCTIONAL_AREAS.map((a) => a.weight));
  let previousTravelEur = 0;
  for (let n = 0; n < baseline; n++) {
    const cc = COST_CENTERS[Math.floor(random() * COST_CENTERS.length)]!;
    const fa = random() < 0.6 ? cc.home : FUNCTIONAL_AREAS[pick(areaPick, random())]!;
    const fiscalYear = random() < 0.5 ? 2024 : 2025;
    let period = random() < 0.004 ? 13 + Math.floor(random() * 4) : 1 + Math.floor(random() * 12);
    const gap = PLANTED.dataQuality.periodWithoutData;
    if (cc.company.code === gap.companyCode && fiscalYear === gap.fiscalYear && period === gap.postingPeriod) period--;
    const credit = random() < 0.03;
    let value = fa.typicalMinor * cc.scale * Math.exp(0.5 * normal(random)) * (fiscalYear === 2025 ? 1.04 : 1);
    if (credit) value *= 0.3;
    const spike = PLANTED.spike;
    if (fa.code === spike.value && monthYear(fiscalYear, period) === spike.monthYear) value *= spike.factor;
    const valueMinor = Math.max(100, Math.round(value));
    const supplier = fa.suppliers[Math.floor(random() * fa.suppliers.length)]!;
    const account = fa.accounts[Math.floor(random() * fa.accounts.length)]!;
    const line = expenseLine({
      cc,
      fa,
      account,
      supplier,
      fiscalYear,
      period,
      valueMinor,
      debitCredit: credit ? "H" : "S",
      reference: `${credit ? "CRN" : "INV"}-${fiscalYear}-${String(n + 1).padStart(7, "0")}`,
      parked: random() < 0.01,
    });
    if (
      fa.code === PLANTED.driver.functionalArea &&
      line.company_code_currency_key === "EUR" &&
      monthYear(fiscalYear, period) === PLANTED.driver.previousMonthYear
    ) {
      previousTravelEur += credit ? -valueMinor : valueMinor;
    }
    yield line;
  }
  yield* plantedRows(random, previousTravelEur);
}

function* plantedRows(random: () => number, previousTravelEur: number): Generator<ExpenseLine> {
  for (const o of PLANTED.outliers) {
    const cc = costCenter(o.costCenterId);
    const fa = area(o.functionalArea);
    yield expenseLine({
      cc,
      fa,
      account: fa.accounts[0]!,
      supplier: fa.suppliers[1]!,
      fiscalYear: o.fiscalYear,
      period: o.postingPeriod,
      valueMinor: o.valueMinor,
      debitCredit: o.debitCredit,
      reference: o.reference,
      parked: false,
    });
  }
  const d = PLANTED.driver;
  const cc = costCenter(d.costCenterId);
  const travel = area(d.functionalArea);
  // At least a typical posting each, so even a tiny dataset shows the driver.
  const total = Math.max(previousTravelEur, travel.typicalMinor * cc.scale * d.rows) * d.upliftOfPrevious;
  for (let i = 0; i < d.rows; i++) {
    yield expenseLine({
      cc,
      fa: travel,
      account: travel.accounts[i % travel.accounts.length]!,
      supplier: d.supplier,
      fiscalYear: d.fiscalYear,
      period: d.postingPeriod,
      valueMinor: Math.round((total / d.rows) * (0.8 + 0.4 * random())),
      debitCredit: "S",
      reference: `${d.referencePrefix}${String(i + 1).padStart(3, "0")}`,
      parked: false,
    });
  }
  const q = PLANTED.dataQuality;
  const office = area("OFFICE");
  for (let i = 0; i < q.missingCostCenterRows; i++) {
    const line = expenseLine({
      cc: COST_CENTERS[i]!,
      fa: office,
      account: office.accounts[0]!,
      supplier: office.suppliers[0]!,
      fiscalYear: 2024 + (i % 2),
      period: 1 + i * 2,
      valueMinor: office.typicalMinor,
      debitCredit: "S",
      reference: `${q.missingCostCenterReferencePrefix}${i + 1}`,
      parked: false,
    });
    yield { ...line, cost_center_id: null, cost_center_name: null };
  }
  for (let i = 0; i < q.duplicatePairs; i++) {
    const fa = FUNCTIONAL_AREAS[i]!;
    const line = expenseLine({
      cc: COST_CENTERS[10 + i]!,
      fa,
      account: fa.accounts[0]!,
      supplier: fa.suppliers[0]!,
      fiscalYear: 2025,
      period: 4 + i,
      valueMinor: fa.typicalMinor,
      debitCredit: "S",
      reference: `${q.duplicateReferencePrefix}${i + 1}`,
      parked: false,
    });
    yield line;
    yield { ...line, document_header_text: `${line.document_header_text} (re-entered)` };
  }
}

function expenseLine(p: {
  cc: CostCenter;
  fa: FunctionalArea;
  account: readonly [string, string];
  supplier: string;
  fiscalYear: number;
  period: number;
  valueMinor: number;
  debitCredit: "S" | "H";
  reference: string;
  parked: boolean;
}): ExpenseLine {
  const directorateIndex = DIRECTORATES.indexOf(p.cc.directorate as (typeof DIRECTORATES)[number]);
  return {
    posting_period: p.period,
    ledger: "0L",
    company_code: p.cc.company.code,
    company_code_currency_key: p.cc.company.currency,
    company_code_currency_value_minor: p.valueMinor,
    debit_credit_ind: p.debitCredit,
    account_type: "K",
    region: p.cc.company.region,
    profit_center_id: `PC${p.cc.company.code}${directorateIndex + 1}`,
    profit_center_name: `${p.cc.directorate} ${p.cc.company.region}`,
    cost_center_id: p.cc.id,
    cost_center_name: p.cc.name,
    directorate: p.cc.directorate,
    entity: p.cc.company.entity,
    // The 2025 reorganisation folded Corporate Services into Finance & Administration.
    remapping_directorate: p.cc.directorate === "Corporate Services" ? "Finance & Administration" : p.cc.directorate,
    functional_area: p.fa.code,
    functional_area_name: p.fa.name,
    general_ledger_account: p.account[0],
    general_ledger_account_name: p.account[1],
    general_ledger_fiscal_year: p.fiscalYear,
    fund: "GEN",
    supplier: p.supplier,
    reference: p.reference,
    document_header_text: `${p.supplier} ${p.debitCredit === "H" ? "credit note" : "invoice"}`,
    po_description: `${p.account[1]} ${monthYear(p.fiscalYear, p.period)}`,
    transaction: p.debitCredit === "H" ? "FB65" : "MIRO",
    level_1: "Operating Expenses",
    level_7: p.fa.name,
    status: p.parked ? "Parked" : "Posted",
  };
}

function cumulative(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let running = 0;
  return weights.map((w) => (running += w / total));
}

function pick(cumulativeWeights: readonly number[], u: number): number {
  const index = cumulativeWeights.findIndex((c) => u < c);
  return index === -1 ? cumulativeWeights.length - 1 : index;
}

/** A standard normal draw (Box–Muller). */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
