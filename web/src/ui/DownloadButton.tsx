import { useState } from "preact/hooks";
import { apiFile } from "../api/client";
import { ErrorBanner } from "./ErrorBanner";

/** Hands a fetched file to the browser's download, through a short-lived blob: URL. */
export function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = url;
  anchor.download = fileName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The click has started the download; a later revoke keeps slow browsers from losing it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * A button that downloads a file route with the bearer token (a plain link would carry none),
 * showing progress while it fetches and the API's error if it fails.
 */
export function DownloadButton(props: { path: string; fileName: string; label: string; description?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function download() {
    setBusy(true);
    setError(null);
    try {
      const file = await apiFile(props.path, props.fileName);
      saveFile(file.blob, file.fileName);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <span class="download">
      <button type="button" disabled={busy} aria-label={props.description} onClick={() => void download()}>
        {busy ? "Downloading…" : props.label}
      </button>
      <ErrorBanner error={error} />
    </span>
  );
}
