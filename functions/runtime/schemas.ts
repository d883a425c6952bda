import { z } from "zod";

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
