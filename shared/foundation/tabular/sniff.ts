import { TabularError } from "./tabular-error.js";

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => magic.every((b, i) => bytes[i] === b);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const EMPTY_ZIP = [0x50, 0x4b, 0x05, 0x06];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/**
 * What the first bytes say the file is: a zip archive (perhaps an xlsx) or text (perhaps
 * CSV). Formats known not to be either are refused here, by name.
 */
export function sniffFormat(head: Uint8Array): "zip" | "text" {
  if (head.length === 0) throw new TabularError("EMPTY_FILE", "The file is empty.");
  if (startsWith(head, ZIP) || startsWith(head, EMPTY_ZIP)) return "zip";
  if (startsWith(head, PDF)) {
    throw new TabularError("NOT_TABULAR", "The file is a PDF, not CSV or an Excel workbook (.xlsx).");
  }
  if (startsWith(head, OLE2)) {
    throw new TabularError(
      "UNSUPPORTED_FORMAT",
      "The file is an Excel 97-2003 workbook (.xls) or a password-protected one; save it as .xlsx or CSV without a password.",
    );
  }
  return "text";
}
