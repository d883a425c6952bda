import { randomUUID } from "node:crypto";
import type {
  HttpHandler,
  HttpMethod as AzureHttpMethod,
  HttpResponseInit,
  InvocationContext,
  ServiceBusQueueHandler,
  Timer,
  TimerHandler,
} from "@azure/functions";
import {
  ConfigurationError,
  NonRetriableError,
  ValidationError,
  withLogFields,
  type Platform,
  type SettingName,
  type Settings,
} from "../../shared/index.js";
import { runHttp } from "./run-http.js";
import { workSignalOf } from "./work-signals.js";
import {
  correlatedSender,
  type FunctionDeclaration,
  type InboundRequest,
  type QueueFunction,
  type TimerFunction,
} from "./declarations.js";

const ALL_METHODS = [
  "GET",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
] as const satisfies readonly AzureHttpMethod[];

/** Resolves the process's platform (built once, on first use). */
export type PlatformProvider = () => Promise<Platform>;

/** What `app.http` / `app.serviceBusQueue` / `app.timer` receive for one declaration. */
export type Registration =
  | {
      kind: "http";
      name: string;
      options: { route: string; methods: AzureHttpMethod[]; authLevel: "anonymous"; handler: HttpHandler };
      /** What `options.handler` runs; the local host calls it with its own request object. */
      serve: (request: InboundRequest) => Promise<HttpResponseInit>;
    }
  | {
      kind: "serviceBusQueue";
      name: string;
      options: { queueName: string; connection: string; cardinality: "one"; handler: ServiceBusQueueHandler };
    }
  | {
      kind: "timer";
      name: string;
      options: { schedule: string; runOnStartup: false; useMonitor: true; handler: TimerHandler };
    };

/** The subset of `@azure/functions`' `app` that registration uses. */
export interface FunctionApp {
  http(name: string, options: Extract<Registration, { kind: "http" }>["options"]): void;
  serviceBusQueue(name: string, options: Extract<Registration, { kind: "serviceBusQueue" }>["options"]): void;
  timer(name: string, options: Extract<Registration, { kind: "timer" }>["options"]): void;
}

/**
 * Declarations → Azure registrations. Both hosts use this: the Azure entry passes each
 * to `app.*`, the local host calls the very same handlers.
 */
export function toRegistrations(
  declarations: readonly FunctionDeclaration[],
  settings: Settings,
  platform: PlatformProvider,
): Registration[] {
  const names = new Set<string>();
  for (const d of declarations) {
    if (names.has(d.name))
      throw new Error(`Function name '${d.name}' is declared twice; function names must be unique in the app`);
    names.add(d.name);
    if (d.kind === "http" && d.body && d.file)
      throw new Error(`Function '${d.name}' declares both a JSON body and a file body; it takes one or the other`);
  }
  const answersPreflight = preflightRoutes(declarations);
  return declarations.map((d) => {
    switch (d.kind) {
      case "http": {
        const serve = async (request: InboundRequest) => runHttp(d, request, await platform());
        return {
          kind: "http",
          name: d.name,
          options: {
            route: d.route,
            methods:
              d.method === "ANY" ? [...ALL_METHODS] : answersPreflight.has(d) ? [d.method, "OPTIONS"] : [d.method],
            authLevel: "anonymous",
            handler: (request) => serve(request),
          },
          serve,
        };
      }
      case "serviceBusQueue":
        return {
          kind: "serviceBusQueue",
          name: d.name,
          options: {
            queueName: d.queue.name,
            connection: d.connection,
            cardinality: "one",
            handler: queueHandler(d, platform),
          },
        };
      case "timer":
        return {
          kind: "timer",
          name: d.name,
          options: {
            schedule: scheduleOf(settings, d.schedule),
            runOnStartup: false,
            useMonitor: true,
            handler: timerHandler(d, platform),
          },
        };
    }
  });
}

/**
 * The one HTTP function per route template that also accepts OPTIONS, so CORS preflights
 * reach runHttp (which answers them the same whichever function gets them). Only one: the
 * Functions host refuses a function whose route equals another's (case-insensitive,
 * slashes trimmed) when their methods intersect ("The route specified conflicts with the
 * route defined by function ..."), and GET and PATCH of one resource share a route.
 */
function preflightRoutes(declarations: readonly FunctionDeclaration[]): ReadonlySet<FunctionDeclaration> {
  const byRoute = new Map<string, FunctionDeclaration>();
  for (const d of declarations) {
    if (d.kind !== "http") continue;
    const key = d.route.replace(/^\/+|\/+$/g, "").toLowerCase();
    if (!byRoute.has(key)) byRoute.set(key, d);
  }
  return new Set(byRoute.values());
}

export function registerAll(app: FunctionApp, registrations: readonly Registration[]): void {
  for (const r of registrations) {
    if (r.kind === "http") app.http(r.name, r.options);
    else if (r.kind === "serviceBusQueue") app.serviceBusQueue(r.name, r.options);
    else app.timer(r.name, r.options);
  }
}

/**
 * Parses the message like an HTTP body. A message that can never succeed (invalid, or a
 * NonRetriableError from the domain) is thrown as NonRetriableError: the local host
 * dead-letters it at once with the reason; Service Bus dead-letters it after its max
 * delivery count. Any other error is thrown so the message is abandoned and retried.
 */
function queueHandler(declaration: QueueFunction, platform: PlatformProvider): ServiceBusQueueHandler {
  return async (message: unknown, context: InvocationContext) => {
    const p = await platform();
    const meta = (context.triggerMetadata ?? {}) as Record<string, unknown>;
    // Service Bus ids are strings, numbers or bytes; the invocation id stands in when absent.
    const messageId =
      typeof meta.messageId === "string" || typeof meta.messageId === "number"
        ? String(meta.messageId)
        : context.invocationId;
    const deliveryCount = Number(meta.deliveryCount ?? 1);
    const correlationId = typeof meta.correlationId === "string" && meta.correlationId ? meta.correlationId : messageId;
    const logger = p.logger;
    const scope = {
      correlation_id: correlationId,
      function: declaration.name,
      message_id: messageId,
      delivery_count: deliveryCount,
    };
    void workSignalOf(p).raise(); // a message means work the sweeps may have to finish
    return withLogFields(scope, async () => {
      const started = performance.now();
      let status = "completed";
      try {
        const parsed = declaration.message.safeParse(message);
        if (!parsed.success) {
          const fields = parsed.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`);
          throw new NonRetriableError("VALIDATION_ERROR", `Invalid message: ${fields.join("; ")}`, { fields });
        }
        await declaration.handler(parsed.data, {
          platform: p,
          functionName: declaration.name,
          messageId,
          correlationId,
          deliveryCount,
          isLastDelivery: deliveryCount >= declaration.queue.maxDeliveryCount,
          logger,
          send: correlatedSender(p, correlationId),
        });
      } catch (error) {
        status = error instanceof NonRetriableError ? "rejected" : "failed";
        logger.error(
          status === "rejected"
            ? "Message rejected; it will be dead-lettered"
            : "Message processing failed; it will be retried",
          { error },
        );
        if (error instanceof ValidationError)
          throw new NonRetriableError("VALIDATION_ERROR", error.message, error.details);
        throw error;
      } finally {
        const seconds = (performance.now() - started) / 1000;
        p.metrics.messageProcessingDuration.observe({ queue: declaration.queue.name, status }, seconds);
        logger.info("Queue message processed", {
          queue: declaration.queue.name,
          outcome: status,
          duration_ms: Math.round(seconds * 1000),
        });
      }
    });
  };
}

function timerHandler(declaration: TimerFunction, platform: PlatformProvider): TimerHandler {
  return async (timer: Timer) => {
    const p = await platform();
    const correlationId = randomUUID();
    const logger = p.logger;
    return withLogFields({ correlation_id: correlationId, function: declaration.name }, async () => {
      if (declaration.sweep && !(await workSignalOf(p).sweepDue(declaration.name))) {
        logger.debug("No work signalled; sweep skipped without touching SQL");
        return;
      }
      const started = performance.now();
      let status = "succeeded";
      try {
        const outcome = await declaration.handler({
          platform: p,
          functionName: declaration.name,
          correlationId,
          isPastDue: Boolean(timer?.isPastDue),
          logger,
          send: correlatedSender(p, correlationId),
        });
        if (outcome?.workSeen) await workSignalOf(p).raise();
      } catch (error) {
        status = "failed";
        logger.error("Timer run failed", { error });
        throw error;
      } finally {
        p.metrics.timerRuns.inc({ function: declaration.name, status });
        logger.info("Timer run finished", { outcome: status, duration_ms: Math.round(performance.now() - started) });
      }
    });
  };
}

/** A timer's NCRONTAB schedule: the setting it names, which must hold text. */
function scheduleOf(settings: Settings, name: SettingName): string {
  const schedule = settings[name];
  if (typeof schedule !== "string")
    throw new ConfigurationError([`${name}: a timer schedule must be an NCRONTAB string`]);
  return schedule;
}
