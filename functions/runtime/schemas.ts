import { z } from "zod";
import { describeForbiddenCharacter, findForbiddenCharacter } from "../../shared/index.js";

/** Wire shapes more than one system accepts. */
export const uuidParam = z.string().uuid();

/** SAP codes are upper case; accept any case from callers. */
export const sapCode = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, "may contain letters, digits and . _ / - only")
    .transform((v) => v.toUpperCase());

/**
 * A project id (SAP PSPID, e.g. PRJ-000123): a SAP code without `/` and `..`, so a decoded
 * path parameter can never name a path or another resource.
 */
export const projectCode = sapCode(50).refine((v) => !v.includes("/") && !v.includes(".."), {
  message: "may not contain '/' or '..'",
});

export interface TextOptions {
  /** Longest accepted text, in UTF-16 code units (after trimming). */
  readonly max: number;
  /** Shortest accepted text; default 1 (an empty or blank text is refused). */
  readonly min?: number;
  /** Tab, LF and CR are accepted inside (comments); default false (names, one line). */
  readonly multiline?: boolean;
  /** Trim surrounding whitespace first; default true. Off for opaque values (tokens, keys). */
  readonly trim?: boolean;
}

/** Every schema `text` made: the schema test checks that each free-text field is one of them. */
export const textSchemas = new WeakSet<z.ZodType>();

/**
 * Free text from a caller (names, descriptions, comments, usernames, filters): refuses
 * control characters, non-characters (U+FDD0..U+FDEF, U+xFFFE/U+xFFFF) and lone surrogates
 * (shared/kernel/text.ts), with a message naming the character. Every free-text field of a
 * request body, query or path uses it; a field constrained otherwise (regex, enum, uuid,
 * date) does not need it.
 */
export function text(options: TextOptions): z.ZodString {
  const multiline = options.multiline ?? false;
  const base = options.trim === false ? z.string() : z.string().trim();
  const schema = base
    .min(options.min ?? 1)
    .max(options.max)
    .superRefine((value, ctx) => {
      const found = findForbiddenCharacter(value, { multiline });
      if (found) ctx.addIssue({ code: "custom", message: describeForbiddenCharacter(found) });
    });
  textSchemas.add(schema);
  return schema;
}
