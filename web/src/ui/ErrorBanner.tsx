import { ApiError } from "../api/client";

/** An error as a person needs it: the message, field messages, and the id to quote to support. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  const message = error instanceof Error ? error.message : typeof error === "string" ? error : "Something went wrong";
  return (
    <div class="error-banner" role="alert">
      <strong>{api ? `Error ${api.status}: ` : "Error: "}</strong>
      {message}
      {api && api.fieldErrors.length > 0 && (
        <ul>
          {api.fieldErrors.map((f) => (
            <li key={f.field}>
              <code>{f.field}</code> {f.message}
            </li>
          ))}
        </ul>
      )}
      {api?.correlationId && <div class="correlation">Correlation id: {api.correlationId}</div>}
    </div>
  );
}
