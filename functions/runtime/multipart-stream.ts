/**
 * A streaming multipart/form-data reader: parts arrive as the body does, so a large file part
 * is written out chunk by chunk and never held whole. Only what upload endpoints need: each
 * part's name, filename and type from its Content-Disposition / Content-Type headers.
 */

/** What the reader hands each part to: a sink for its bytes, ended once the part closes. */
export interface PartSink {
  write(chunk: Buffer): Promise<void> | void;
  end(): Promise<void> | void;
}

export interface PartHead {
  readonly name: string;
  /** Present when the part was sent as a file. */
  readonly fileName: string | undefined;
  readonly contentType: string;
}

/** Thrown for a body that is not the multipart its Content-Type says. */
export class MalformedMultipart extends Error {}

/** Longest part header block accepted (Content-Disposition with a long file name fits easily). */
const MAX_HEAD_BYTES = 16 * 1024;

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string): string | undefined {
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary && boundary.length <= 70 ? boundary : undefined;
}

/**
 * Reads `body` as multipart with `boundary`, calling `onPart` for each part's head and
 * writing its content to the sink returned. Ends at the closing delimiter; a body that
 * ends before it is malformed.
 */
export async function readMultipart(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  onPart: (head: PartHead) => PartSink,
): Promise<void> {
  // The first delimiter may start the body; later ones follow a CRLF.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let buffer: Buffer = Buffer.from("\r\n");
  let state: "preamble" | "afterDelimiter" | "head" | "content" | "done" = "preamble";
  let sink: PartSink | undefined;

  for await (const chunk of body) {
    buffer = buffer.length === 0 ? Buffer.from(chunk) : Buffer.concat([buffer, chunk]);
    for (;;) {
      if (state === "preamble" || state === "content") {
        const at = buffer.indexOf(delimiter);
        if (at === -1) {
          // Keep a tail that may hold the start of a delimiter split across chunks.
          const keep = Math.min(buffer.length, delimiter.length - 1);
          if (state === "content" && buffer.length > keep) await sink!.write(buffer.subarray(0, buffer.length - keep));
          buffer = buffer.subarray(buffer.length - keep);
          break;
        }
        if (state === "content") {
          if (at > 0) await sink!.write(buffer.subarray(0, at));
          await sink!.end();
          sink = undefined;
        }
        buffer = buffer.subarray(at + delimiter.length);
        state = "afterDelimiter";
      } else if (state === "afterDelimiter") {
        if (buffer.length < 2) break;
        if (buffer[0] === 0x2d && buffer[1] === 0x2d) {
          state = "done";
          break;
        }
        const eol = buffer.indexOf("\r\n");
        if (eol === -1) {
          if (buffer.length > 256) throw new MalformedMultipart("bad delimiter line");
          break;
        }
        // Transport padding (spaces, tabs) may follow a delimiter.
        if (buffer.subarray(0, eol).toString("latin1").trim() !== "") throw new MalformedMultipart("bad delimiter");
        buffer = buffer.subarray(eol + 2);
        state = "head";
      } else if (state === "head") {
        const end = buffer.indexOf("\r\n\r\n");
        if (end === -1) {
          if (buffer.length > MAX_HEAD_BYTES) throw new MalformedMultipart("part headers too long");
          break;
        }
        sink = onPart(parseHead(buffer.subarray(0, end).toString("utf8")));
        buffer = buffer.subarray(end + 4);
        state = "content";
      } else break;
    }
    if (state === "done") break;
  }
  if (state !== "done") throw new MalformedMultipart("the body ended before the closing delimiter");
}

function parseHead(text: string): PartHead {
  let name: string | undefined;
  let fileName: string | undefined;
  let contentType = "text/plain";
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon === -1) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "content-type") contentType = value;
    else if (key === "content-disposition") {
      name = paramOf(value, "name");
      fileName = paramOf(value, "filename");
    }
  }
  if (name === undefined) throw new MalformedMultipart("a part without a name");
  return {
    name,
    fileName,
    contentType: fileName !== undefined && !/content-type/i.test(text) ? "application/octet-stream" : contentType,
  };
}

/**
 * A Content-Disposition parameter, quoted or bare. Quoted values are taken as sent, as
 * browsers and undici write them (a quote percent-encoded, a backslash left as is: a
 * Windows path's separators must survive for the file name to be cut at them).
 */
function paramOf(disposition: string, param: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${param}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(disposition);
  return match ? (match[1] ?? match[2]) : undefined;
}
