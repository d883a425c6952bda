// What a cell's text looks like: an amount, a period, a date, a currency code, a code, or
// words. Only shapes, never values: the import parses amounts exactly later.

/** ISO 4217 active alphabetic codes (fund and precious-metal codes left out). */
const ISO_4217 = new Set(
  (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD " +
    "CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD " +
    "GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT " +
    "LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR " +
    "NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP " +
    "STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD " +
    "XCG XOF XPF YER ZAR ZMW ZWG"
  ).split(" "),
);

/** An ISO 4217 code in upper or lower case ("eur" is a careless EUR; "All" and "Top" are words). */
export const isCurrencyCode = (text: string) =>
  text.length === 3 && (text === text.toUpperCase() || text === text.toLowerCase()) && ISO_4217.has(text.toUpperCase());

const CURRENCY_SYMBOL = "[$€£¥₹₩₽₺₪฿₫₦₱]";
/** A currency given as its symbol alone, as some spreadsheets do. */
const SYMBOL_ONLY = new RegExp(`^${CURRENCY_SYMBOL}$`);
export const isCurrencyLike = (text: string) => isCurrencyCode(text) || SYMBOL_ONLY.test(text);

const SPACE = "[ \\u00a0\\u202f]";
const AFFIX = `(?:${CURRENCY_SYMBOL}|[A-Za-z]{3})`;
// Digits with optional thousands groups (, . ' or spaces) and an optional decimal part.
const NUMBER = `(?:\\d{1,3}(?:(?:,|\\.|'|${SPACE})\\d{3})+|\\d+)(?:[.,]\\d+)?`;
const AMOUNT = new RegExp(
  `^(?:[-+]?${SPACE}*${AFFIX}?${SPACE}*[-+]?${NUMBER}${SPACE}*${AFFIX}?-?` +
    `|\\(${SPACE}*${AFFIX}?${SPACE}*${NUMBER}${SPACE}*${AFFIX}?${SPACE}*\\))$`,
);

/**
 * A money amount as spreadsheets show it: 1,234.56, 1.234,56, 1 234, (1,234.00) negative,
 * -12, 12-, € 12, 12 EUR; "-" alone is how accountants write zero.
 */
export function isAmountLike(text: string): boolean {
  if (text === "-") return true;
  if (!AMOUNT.test(text)) return false;
  const affix = /[A-Za-z]{3}/.exec(text);
  return affix === null || isCurrencyCode(affix[0]);
}

/** A bare calendar year, which is a period as much as a number. */
export const isYear = (text: string) => /^(?:19|20)\d\d$/.test(text);

/** Month names and abbreviations in EN, NL, FR, DE and ES, accents removed, lower case. */
const MONTHS = new Set(
  (
    "jan january janv janvier januari januar ene enero " +
    "feb february fev fevr fevrier februari februar febrero " +
    "mar march mrt maart mars marz maerz marzo " +
    "apr april avr avril abr abril " +
    "may mei mai mayo " +
    "jun june juin juni junio " +
    "jul july juil juillet juli julio " +
    "aug august aout augustus ago agosto " +
    "sep sept september septembre septiembre setiembre " +
    "oct october okt oktober octobre octubre " +
    "nov november novembre noviembre " +
    "dec december dez dezember decembre dic diciembre"
  ).split(" "),
);

const fold = (text: string) =>
  text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .trim();

const MONTH = "(?:0?[1-9]|1[0-2])";
const YEAR = "(?:19|20)\\d\\d";
const YEAR2 = "\\d\\d";
const YEAR_PART = new RegExp(`^(?:${YEAR}|${YEAR2})$`);
const PERIOD_PATTERNS: readonly RegExp[] = [
  new RegExp(`^${YEAR}[-/.]${MONTH}$`), // 2024-01
  new RegExp(`^${YEAR}(?:0[1-9]|1[0-2])$`), // 202401
  new RegExp(`^${MONTH}[-/.]${YEAR}$`), // 01/2024
  new RegExp(`^(?:(?:fy|cy)\\s?(?:${YEAR}|${YEAR2})|${YEAR})$`), // FY2024, FY24, 2024
  new RegExp(`^(?:(?:fy|cy)\\s?(?:${YEAR}|${YEAR2})|${YEAR})[-/]\\d\\d$`), // FY2024/25, 2024-25
  /^(?:[qt][1-4]|h[12]|p(?:0?[1-9]|1[0-6]))$/, // Q1, T2, H1, P03 within a year given elsewhere
  // Q1 2024, 2024 Q1, Q1-24, Q1 FY24, T1 2024 (trimestre), H1 2024
  new RegExp(`^[qth][1-4][\\s/-]*(?:fy|cy)?\\s?(?:${YEAR}|${YEAR2})$`),
  new RegExp(`^(?:fy|cy)?\\s?(?:${YEAR}|${YEAR2})[\\s/-]*[qth][1-4]$`),
  // FY2024 P03, P03 FY2024, 2024-P03, P3/2024, periods 1-16 (SAP special periods included)
  new RegExp(`^(?:fy|cy)?\\s?(?:${YEAR}|${YEAR2})[\\s/-]*p(?:0?[1-9]|1[0-6])$`),
  new RegExp(`^p(?:0?[1-9]|1[0-6])[\\s/-]*(?:fy|cy)?\\s?(?:${YEAR}|${YEAR2})$`),
];

/**
 * A budget period: 2024-01, 01/2024, 202401, Jan-24, Enero 2024, Q1 2024, 2024 Q1, FY2024,
 * FY2024 P03, H1 2024, or a bare year.
 */
export function isPeriodLike(text: string): boolean {
  const t = fold(text).replace(/\s+/g, " ");
  if (PERIOD_PATTERNS.some((p) => p.test(t))) return true;
  // Month name with a year, either order: "Jan-24", "enero 2024", "2024 mars", "janv. 2024".
  const parts = t.split(/[\s./'-]+/).filter((p) => p !== "");
  if (parts.length === 1) return MONTHS.has(parts[0]!);
  if (parts.length !== 2) return false;
  const [a, b] = parts as [string, string];
  return (MONTHS.has(a) && YEAR_PART.test(b)) || (YEAR_PART.test(a) && MONTHS.has(b));
}

const DAY = "(?:0?[1-9]|[12]\\d|3[01])";
// Folded to lower case before matching, hence "t" and "z".
const TIME = "(?:[ t]\\d\\d:\\d\\d(?::\\d\\d(?:\\.\\d+)?)?(?:z|[+-]\\d\\d:?\\d\\d)?)?";
const DAY_PART = new RegExp(`^${DAY}$`);
const DATE_PATTERNS: readonly RegExp[] = [
  new RegExp(`^${YEAR}-${MONTH}-${DAY}${TIME}$`), // ISO
  new RegExp(`^${YEAR}/${MONTH}/${DAY}${TIME}$`),
  new RegExp(`^${DAY}[/.-]${DAY}[/.-](?:${YEAR}|${YEAR2})${TIME}$`), // 31/01/2024, 01/31/24, 31.01.2024
];

/** A calendar day: 2024-01-31, 31/01/2024, 1/31/24, 31.01.2024, 31 Jan 2024, 31-ene-2024. */
export function isDateLike(text: string): boolean {
  const t = fold(text);
  if (DATE_PATTERNS.some((p) => p.test(t))) return true;
  const parts = t.split(/[\s,./-]+/).filter((p) => p !== "");
  if (parts.length !== 3) return false;
  const [a, b, c] = parts as [string, string, string];
  return YEAR_PART.test(c) && ((DAY_PART.test(a) && MONTHS.has(b)) || (MONTHS.has(a) && DAY_PART.test(b)));
}

/** An identifier: CC-1001, 4100, GL.6100.20; letters only when short and upper-case (IT, HRB). */
export function isCodeLike(text: string): boolean {
  if (/^[A-Z]{2,8}$/.test(text)) return true;
  return /^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/.test(text) && /\d/.test(text);
}

/** Words rather than a number, date or code: "Engineering", "Travel & Events". */
export const isTextLike = (text: string): boolean =>
  /\p{L}/u.test(text) && !isAmountLike(text) && !isDateLike(text) && !isPeriodLike(text) && !isIbanLike(text);

/** IBAN with a valid mod-97 check digit (spaces allowed). */
export function isIbanLike(text: string): boolean {
  const compact = text.replace(/[\s-]/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= "A" ? ch.charCodeAt(0) - 55 : Number(ch);
    remainder = Number(`${remainder}${value}`) % 97;
  }
  return remainder === 1;
}

/** A US social security number or a similar national id written in groups: 123-45-6789. */
export const isSsnLike = (text: string) => /^\d{3}-\d{2}-\d{4}$/.test(text) || /^\d{3} \d{2} \d{4}$/.test(text);

/** "Jane Doe", "van der Berg, Anna", "María José García": two to four capitalised words. */
export function isPersonNameLike(text: string): boolean {
  const words = text
    .replace(",", " ")
    .split(/\s+/)
    .filter((w) => w !== "");
  if (words.length < 2 || words.length > 5) return false;
  const capitalised = words.filter((w) => /^\p{Lu}[\p{Ll}'’-]+$/u.test(w)).length;
  const particles = words.filter((w) => /^(?:van|der|den|de|la|le|von|du|del|da|di|y)$/.test(w)).length;
  return capitalised >= 2 && capitalised + particles === words.length;
}

/** Normalises a cell for comparison with known values: case, accents, punctuation. */
export const foldValue = (text: string) =>
  fold(text)
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
