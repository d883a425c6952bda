import type { Readable } from "node:stream";

/** A file streamed to the caller as an attachment, never cached by intermediaries. */
export function fileDownload(file: {
  readonly stream: Readable;
  readonly fileName: string;
  readonly contentType: string;
}) {
  return {
    raw: {
      headers: {
        "Content-Type": file.contentType,
        "Content-Disposition": `attachment; filename="${file.fileName}"`,
        "Cache-Control": "private, no-store",
      },
      body: file.stream,
    },
  };
}
