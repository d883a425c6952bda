import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Signed webhooks, Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`.
 * The timestamp is signed with the body, so a captured request cannot be replayed later
 * than the receiver's tolerance; several `v1=` entries may be present (a receiver accepts
 * any that matches, which lets a secret be rotated without a gap).
 */
export const WEBHOOK_SIGNATURE_HEADER = "x-webhook-signature";
/** The delivery's id: the same on every retry of one event, so a receiver can drop repeats. */
export const WEBHOOK_ID_HEADER = "x-webhook-id";
export const WEBHOOK_EVENT_HEADER = "x-webhook-event";
/** How old a signature a receiver should accept by default. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`, "utf8").digest("hex");
}

/** The signature header's value for this body at this time. */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${hmacHex(secret, timestampSeconds, body)}`;
}

export type WebhookVerdict =
  { readonly valid: true; readonly timestamp: number } | { readonly valid: false; readonly reason: string };

/** What a receiver does: parse the header, check the timestamp's age, compare in constant time. */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): WebhookVerdict {
  if (!header) return { valid: false, reason: "no signature header" };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const [key, value] = part.trim().split("=", 2);
    if (key === "t" && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === "v1" && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined) return { valid: false, reason: "no timestamp (t=) in the signature header" };
  if (signatures.length === 0) return { valid: false, reason: "no v1 signature in the signature header" };
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds)
    return { valid: false, reason: `timestamp is more than ${toleranceSeconds}s from now` };
  const expected = Buffer.from(hmacHex(secret, timestamp, body), "hex");
  const matches = signatures.some((s) => timingSafeEqual(Buffer.from(s, "hex"), expected));
  return matches ? { valid: true, timestamp } : { valid: false, reason: "signature does not match" };
}
