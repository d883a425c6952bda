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
