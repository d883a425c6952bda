/**
 * The Peppol BIS 3 national rules (OpenPEPPOL Schematron 3.0.19, "National rules" and
 * "German rules" patterns): each applies only to sellers (and for some, buyers) in its
 * country, so they run in the Peppol rule set for every document at small cost.
 */
import { DE_NATIONAL_RULES } from "./national-de-rules.js";
import { GR_IT_NL_NATIONAL_RULES } from "./national-gr-it-nl-rules.js";
import { NORDIC_NATIONAL_RULES } from "./national-nordic-rules.js";
import type { Rule } from "./rule-engine.js";

export const PEPPOL_NATIONAL_RULES: readonly Rule[] = [
  ...NORDIC_NATIONAL_RULES,
  ...GR_IT_NL_NATIONAL_RULES,
  ...DE_NATIONAL_RULES,
];
