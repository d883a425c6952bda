import { ValidationError } from "../../kernel/errors.js";

/**
 * OWASP ASVS 2.1: besides the length (12-128, in the schema), a password must not be a
 * common or breached one, nor built from the username. zxcvbn-ts judges both: its
 * dictionary holds ~49,000 common passwords, and it also catches repeats, sequences,
 * keyboard walks and the username as a part. Score 3 is "safely unguessable" against an
 * online attack and moderate against an offline one, its authors' recommended floor.
 * No composition rules (ASVS 2.1.9): a long passphrase of plain words passes.
 */
const MIN_SCORE = 3;

/** Plain words for zxcvbn's warning keys; anything else gets the general advice. */
const WARNINGS: Record<string, string> = {
  userInputs: "must not contain the username",
  simpleRepeat: "must not repeat a character or a short pattern",
  extendedRepeat: "must not repeat a short pattern",
  sequences: "must not be a sequence such as abc or 123",
  keyPattern: "must not be a keyboard pattern",
  straightRow: "must not be a row of keys",
  topTen: "is one of the most common passwords",
  topHundred: "is one of the most common passwords",
  common: "is a common password",
  similarToCommon: "is too close to a common password",
  wordByItself: "must be more than one word",
  namesByThemselves: "must be more than a name",
  commonNames: "must be more than a common name",
  recentYears: "must not be built on a recent year",
  dates: "must not be built on a date",
};
const GENERAL = "is too easy to guess: use a passphrase of several unrelated words";

type Estimator = { check(password: string, userInputs: string[]): EstimatorResult };
type EstimatorResult = { score: number; feedback: { warning: string | null } };

// Loaded on first use: its dictionaries cost ~300 ms, which a cold start that serves no
// password change should not pay.
let estimator: Promise<Estimator> | undefined;
function loadEstimator(): Promise<Estimator> {
  return (estimator ??= (async () => {
    const [{ ZxcvbnFactory }, common] = await Promise.all([
      import("@zxcvbn-ts/core"),
      import("@zxcvbn-ts/language-common"),
    ]);
    return new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
  })());
}

/** Throws a 400 naming `password` when it is too easy to guess for this username. */
export async function assertStrongPassword(password: string, username: string): Promise<void> {
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    throw weak(WARNINGS.userInputs!);
  }
  const userInputs = [username, ...username.split(/[^\p{L}\p{N}]+/u).filter((part) => part.length >= 3)];
  const result = (await loadEstimator()).check(password, userInputs);
  if (result.score >= MIN_SCORE) return;
  throw weak((result.feedback.warning && WARNINGS[result.feedback.warning]) ?? GENERAL);
}

function weak(message: string): ValidationError {
  return new ValidationError([{ field: "password", message, location: "body" }], `Weak password: ${message}`);
}
