/**
 * Format and check-digit tests of the party identifiers Peppol validates (PEPPOL-COMMON-R040
 * to R050), as the OpenPEPPOL Schematron's functions compute them. Each takes the
 * identifier after normalize-space (R042 takes it as written) and says whether it is valid.
 */

const digitsOf = (value: string) => [...value].map((c) => c.charCodeAt(0) - 48);

/** GS1 mod 10 (GLN, ICD 0088): weights 3, 1, 3, ... from the right of the payload. */
export function validGln(value: string): boolean {
  if (!/^[0-9]+$/.test(value)) return false;
  const digits = digitsOf(value);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/** Norwegian organisation number (ICD 0192): nine digits, mod 11 with weights 2..7 from the right. */
export function validNorwegianOrgNumber(value: string): boolean {
  if (!/^[0-9]{9}$/.test(value) || Number(value) <= 0) return false;
  const digits = digitsOf(value);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * ((i % 6) + 2), 0);
  return (11 - (sum % 11)) % 11 === check;
}

/** Danish CVR (ICD 0184): "DK" and eight digits, or eight digits (no checksum in the Schematron). */
export function validDanishCvr(value: string): boolean {
  return /^DK[0-9]{8}$/.test(value) || /^[0-9]{8}$/.test(value);
}

/** Belgian enterprise number (ICD 0208): ten digits, the last two are 97 - (first eight mod 97). */
export function validBelgianEnterpriseNumber(value: string): boolean {
  if (!/^[0-9]{10}$/.test(value)) return false;
  return 97 - (Number(value.slice(0, 8)) % 97) === Number(value.slice(8));
}

/** Italian IPA code (ICD 0201): six letters or digits. */
export function validItalianIpaCode(value: string): boolean {
  return /^[A-Za-z0-9]{6}$/.test(value);
}

const castableAsInteger = (value: string) => /^[+-]?[0-9]+$/.test(value);

/** Italian fiscal code (ICD 0210, EAS 9907): 16 characters in the personal pattern, or 11 digits. */
export function validItalianFiscalCode(value: string): boolean {
  if (value.length === 11) return castableAsInteger(value);
  if (value.length !== 16) return false;
  const letters = (s: string) => /^[A-Za-z]*$/.test(s);
  return (
    letters(value.slice(0, 6)) &&
    castableAsInteger(value.slice(6, 8)) &&
    letters(value.slice(8, 9)) &&
    castableAsInteger(value.slice(9, 11)) &&
    castableAsInteger(value.slice(14, 15)) &&
    letters(value.slice(15, 16))
  );
}

/** Italian VAT number (ICD 0211): when it starts with IT, eleven digits passing the Luhn-like sum. */
export function validItalianVatNumber(value: string): boolean {
  const country = value.slice(0, 2);
  if (country !== "IT" && country !== "it") return true;
  const code = value.slice(2);
  if (!/^[0-9]{11}$/.test(code)) return false;
  const doubled = "0246813579";
  const sum = digitsOf(code).reduce((acc, d, i) => acc + (i % 2 === 1 ? Number(doubled[d]) : d), 0);
  return sum % 10 === 0;
}

/** Swedish organisation number (ICD 0007): ten digits, Luhn over the first nine. */
export function validSwedishOrgNumber(value: string): boolean {
  if (value.length !== 10 || !/^[0-9]+$/.test(value)) return false;
  const digits = digitsOf(value.slice(0, 9)).reverse();
  const sum = digits.reduce((acc, d, i) => acc + (i % 2 === 0 ? ((d * 2) % 10) + Math.floor((d * 2) / 10) : d), 0);
  return (10 - (sum % 10)) % 10 === Number(value[9]);
}

/** Australian Business Number (ICD 0151): eleven digits, weighted sum (first digit minus 1) mod 89. */
export function validAustralianBusinessNumber(value: string): boolean {
  if (!/^[0-9]{11}$/.test(value)) return false;
  const weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
  const digits = digitsOf(value);
  digits[0] = digits[0]! - 1;
  return digits.reduce((acc, d, i) => acc + d * weights[i]!, 0) % 89 === 0;
}

/**
 * Greek TIN (AFM) as the Peppol Schematron's u:TinVerification computes it: the first eight
 * characters weighted 256..2 from the left, (sum mod 11) mod 10 against the ninth. Only the
 * first nine characters are read, so a longer value can pass, as officially.
 */
export function validGreekTin(value: string): boolean {
  const chars = [...value];
  if (chars.length < 9 || !chars.slice(0, 9).every((c) => c >= "0" && c <= "9")) return false;
  const sum = chars.slice(0, 8).reduce((acc, c, i) => acc + Number(c) * 2 ** (8 - i), 0);
  return (sum % 11) % 10 === Number(chars[8]);
}

/**
 * SE-R-013's u:checkSEOrgnr: digits only, Luhn over the first nine against the tenth. Unlike
 * PEPPOL-COMMON-R049 it does not check the length (SE-R-004 does).
 */
export function luhnSwedishOrgNumber(value: string): boolean {
  if (!/^[0-9]+$/.test(value) || value.length < 10) return false;
  return validSwedishOrgNumber(value.slice(0, 10));
}

/**
 * DE-R-019/020's IBAN check: blanks removed, two capitals, two digits, up to 30 letters or
 * digits, then the country and check digits moved to the end and letters read as A=10..Z=35
 * (the Schematron subtracts 55 from any code point above 64, lower case included), mod 97 = 1.
 */
export function validGermanRulesIban(value: string): boolean {
  const iban = value.replace(/[ \t\r\n]/g, "");
  if (!/^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 2).toUpperCase() + iban.slice(2, 4);
  const digits = [...moved]
    .map((c) => String(c.charCodeAt(0) > 64 ? c.charCodeAt(0) - 55 : c.charCodeAt(0) - 48))
    .join("");
  return BigInt(digits) % 97n === 1n;
}
