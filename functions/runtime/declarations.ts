import type { Readable } from "node:stream";
import type { z } from "zod";
import type { JsonText } from "./envelope.js";
import {
  messageList,
  type Actor,
  type Logger,
  type OutgoingMessage,
  type Platform,
  type Principal,
  type QueueDefinition,
  type Role,
  type SettingName,
  type Settings,
} from "../../shared/index.js";

/** Sends to a queue with this invocation's correlation id (unless the message has one). */
export type SendMessage = (
  queue: QueueDefinition,
  message: OutgoingMessage | readonly OutgoingMessage[],
) => Promise<void>;

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who may call an HTTP function. */
export type Access =
  | { readonly public: true }
  /** A bearer JWT with one of these roles; `scrapeToken` also admits the metrics scrape token. */
  | { readonly roles: readonly Role[]; readonly scrapeToken?: true };

export interface HttpContext {
  readonly platform: Platform;
  readonly functionName: string;
  readonly correlationId: string;
  readonly logger: Logger;
  /** Present on every non-public function. */
  readonly principal: Principal | undefined;
  readonly actor: Actor;
  readonly send: SendMessage;
}

export type HttpOutcome<TData> =
  | { readonly data: TData | JsonText<TData>; readonly status?: number; readonly headers?: Record<string, string> }
  /** Not enveloped: metrics text, the docs page, files (a Readable is streamed, never buffered). */
  | {
      readonly raw: {
        readonly status?: number;
        readonly headers: Record<string, string>;
        readonly body: string | Buffer | Readable;
      };
    };

/** Request headers by lower- or mixed-case name; `Headers` is one. */
export interface RequestHeaders {
  get(name: string): string | null;
}

/**
 * What runHttp reads of a request. The Functions HttpRequest is one; the local host passes
 * a lighter one built from node:http's request, without undici's Request, Headers and AbortSignal.
 */
export interface InboundRequest {
  /** Upper case; OPTIONS is answered as a CORS preflight before the function runs. */
  readonly method: string;
  readonly headers: RequestHeaders;
  readonly query: URLSearchParams;
  readonly params: Record<string, string>;
  /** Route parameters whose percent-encoding did not decode (the local host's router names them). */
  readonly malformedParams?: readonly string[];
  /**
   * The body, read only when the pipeline asks for it (after authentication). A host that
   * streams stops after `limit + 1` bytes (the pipeline answers 413); the Functions
   * HttpRequest ignores `limit`.
   */
  arrayBuffer(limit?: number): Promise<ArrayBuffer>;
  /**
   * The body as it arrives, for a file declared `spool` (read instead of `arrayBuffer`, never
   * both): the Functions HttpRequest's ReadableStream, the local host's request stream.
   */
  readonly body?: AsyncIterable<Uint8Array> | null;
}

/** Settings that hold a number (a byte cap, say), by name. */
export type NumericSettingName = { [K in SettingName]: Settings[K] extends number ? K : never }[SettingName];

/**
 * A file body: the bytes sent raw as one of `mediaTypes`, or one part of multipart/form-data
 * (functions/runtime/file-body.ts).
 */
export interface FileBody {
  /** Accepted media types, without parameters (`application/xml`); a multipart part may also be application/octet-stream. */
  readonly mediaTypes: readonly string[];
  /** The largest file accepted in bytes, or the setting that holds it (the OpenAPI document names it). */
  readonly maxBytes: number | NumericSettingName;
  /** The multipart part holding the file; `file` when absent. */
  readonly field?: string;
  /**
   * Large files: the body is streamed to a temporary file (the cap counted as it arrives)
   * and the handler gets a SpooledFile to stream from, not the bytes.
   */
  readonly spool?: boolean;
}

/** A file declared `spool`: on local disk until the handler returns, streamed on demand. */
export interface SpooledFile {
  readonly size: number;
  /** A fresh stream over the whole file, each time asked. */
  open(): Readable;
  readonly fileName: string | null;
  readonly contentType: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** What a function declaring `file` receives. */
export interface UploadedFile {
  readonly bytes: Buffer;
  /** The sender's file name without any directory, or null when none was sent. */
  readonly fileName: string | null;
  /** As sent, parameters included (`text/xml; charset=utf-8`); a multipart part's own type. */
  readonly contentType: string;
  /** The form's other (short, text) parts; empty for a raw body. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface HttpInput<TParams, TQuery, TBody, TFile = unknown> {
  readonly params: TParams;
  readonly query: TQuery;
  readonly body: TBody;
  /** Present exactly when the function declares `file`. */
  readonly file: TFile;
  readonly headers: RequestHeaders;
}

/** One HTTP function: trigger options, contract and handler, declared once. */
export interface HttpFunction<TParams = unknown, TQuery = unknown, TBody = unknown, TData = unknown, TFile = unknown> {
  readonly kind: "http";
  readonly name: string;
  /** Route under the host's `api/` prefix, Azure template syntax (`v1/users/{userId}`). */
  readonly route: string;
  /** `ANY` only for the catch-all that answers unknown routes. */
  readonly method: HttpMethod | "ANY";
  readonly summary: string;
  readonly tags: readonly string[];
  readonly access: Access;
  /** Token-bucket limited per caller and function; on unless turned off (health probes). */
  readonly rateLimited?: boolean;
  readonly params?: z.ZodType<TParams>;
  readonly query?: z.ZodType<TQuery>;
  /** A JSON body; a function declares this or `file`, never both. */
  readonly body?: z.ZodType<TBody>;
  /** A file body (raw or multipart) instead of JSON. */
  readonly file?: FileBody;
  /** Schema of `data` in the success envelope; `raw` for unenveloped responses. */
  readonly response: z.ZodType<TData> | { readonly raw: string };
  readonly successStatus?: number;
  /** Extra documented error statuses besides the ones every function can return. */
  readonly errors?: readonly number[];
  readonly handler: (input: HttpInput<TParams, TQuery, TBody, TFile>, ctx: HttpContext) => Promise<HttpOutcome<TData>>;
}

export interface MessageContext {
  readonly platform: Platform;
  readonly functionName: string;
  readonly messageId: string;
  readonly correlationId: string;
  /** 1 on the first delivery. */
  readonly deliveryCount: number;
  /** True when a failure now dead-letters the message: record the final failure then. */
  readonly isLastDelivery: boolean;
  readonly logger: Logger;
  readonly send: SendMessage;
}

/** One Service Bus queue-triggered function. Settles by returning (complete) or throwing (abandon). */
export interface QueueFunction<TMessage = unknown> {
  readonly kind: "serviceBusQueue";
  readonly name: string;
  readonly queue: QueueDefinition;
  /** App setting prefix of the connection (`ServiceBusConnection__fullyQualifiedNamespace` in Azure). */
  readonly connection: "ServiceBusConnection";
  /** Validated as strictly as an HTTP body; a message that fails is dead-lettered. */
  readonly message: z.ZodType<TMessage>;
  readonly handler: (message: TMessage, ctx: MessageContext) => Promise<void>;
}

export interface TimerContext {
  readonly platform: Platform;
  readonly functionName: string;
  readonly correlationId: string;
  readonly isPastDue: boolean;
  readonly logger: Logger;
  readonly send: SendMessage;
}

/** What a timer tells the platform: it queued work, or (a sweep) it still saw unfinished work. */
export interface TimerOutcome {
  readonly workSeen: boolean;
}

/** One timer-triggered function; its NCRONTAB schedule is a setting, so operators can move it. */
export interface TimerFunction {
  readonly kind: "timer";
  readonly name: string;
  readonly schedule: SettingName;
  /** Why it runs when it runs. */
  readonly reason: string;
  /**
   * An every-minute sweep: it runs only while the work marker says there may be work, and
   * once per SWEEPS_FULL_INTERVAL_MINUTES regardless (shared/foundation/work-signal.ts), so
   * a quiet system's minutes send no SQL.
   */
  readonly sweep?: true;
  /** `{ workSeen: true }` keeps the sweeps running (or wakes them: a job was queued). */
  readonly handler: (ctx: TimerContext) => Promise<void | TimerOutcome>;
}

// The registry holds declarations of every parameter type; each handler saw its own types when declared.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FunctionDeclaration = HttpFunction<any, any, any, any, any> | QueueFunction<any> | TimerFunction;

export function correlatedSender(platform: Platform, correlationId: string): SendMessage {
  return (queue, messages) => {
    const list = messageList(messages);
    return platform.queue.send(
      queue.name,
      list.map((m) => ({ ...m, correlationId: m.correlationId ?? correlationId })),
    );
  };
}

/** Typed constructor, so each declaration's handler sees its own parsed types (and `file` when declared). */
export function httpFunction<TParams = undefined, TQuery = undefined, TData = unknown>(
  declaration: Omit<HttpFunction<TParams, TQuery, undefined, TData, SpooledFile>, "kind" | "body" | "file"> & {
    readonly file: FileBody & { readonly spool: true };
  },
): HttpFunction<TParams, TQuery, undefined, TData, SpooledFile>;
export function httpFunction<TParams = undefined, TQuery = undefined, TData = unknown>(
  declaration: Omit<HttpFunction<TParams, TQuery, undefined, TData, UploadedFile>, "kind" | "body" | "file"> & {
    readonly file: FileBody;
  },
): HttpFunction<TParams, TQuery, undefined, TData, UploadedFile>;
export function httpFunction<TParams = undefined, TQuery = undefined, TBody = undefined, TData = unknown>(
  declaration: Omit<HttpFunction<TParams, TQuery, TBody, TData, undefined>, "kind" | "file">,
): HttpFunction<TParams, TQuery, TBody, TData, undefined>;
export function httpFunction(
  declaration: Omit<Extract<FunctionDeclaration, { kind: "http" }>, "kind">,
): Extract<FunctionDeclaration, { kind: "http" }> {
  return { kind: "http", ...declaration };
}

export function queueFunction<TMessage>(
  declaration: Omit<QueueFunction<TMessage>, "kind" | "connection">,
): QueueFunction<TMessage> {
  return { kind: "serviceBusQueue", connection: "ServiceBusConnection", ...declaration };
}

export function timerFunction(declaration: Omit<TimerFunction, "kind">): TimerFunction {
  return { kind: "timer", ...declaration };
}
