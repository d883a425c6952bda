import { useEffect, useState } from "preact/hooks";
import { api } from "../api/client";
import { ErrorBanner } from "./ErrorBanner";

/**
 * The one chart component: a chart the API draws (Apache ECharts, server side, the same
 * picture as in PDF reports), fetched as SVG with the bearer token and shown as an image.
 * A data: URL, because the CSP allows images from 'self' and data: only; an SVG in <img>
 * runs no script. A chart drawn from a request body (the RCA waterfall) is POSTed with it.
 */
export function Chart({ path, label, body }: { path: string; label: string; body?: unknown }) {
  const request = body === undefined ? undefined : JSON.stringify(body);
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    setSrc(null);
    setError(null);
    const separator = path.includes("?") ? "&" : "?";
    const options =
      request === undefined ? {} : { method: "POST", raw: request, headers: { "Content-Type": "application/json" } };
    api<Blob>(`${path}${separator}format=svg`, options)
      .then((blob) => blob.text())
      .then((svg) => live && setSrc(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`))
      .catch((err: unknown) => live && setError(err));
    return () => {
      live = false;
    };
  }, [path, request]);
  if (error) return <ErrorBanner error={error} />;
  if (!src) return <p role="status">Drawing {label}…</p>;
  return <img class="chart" src={src} alt={label} />;
}
