// The invoices system: UBL intake and validation (EN 16931 / Peppol BIS Billing 3.0).
export { INVOICES_SETTINGS } from "./invoices-settings.js";
export {
  implementedRuleIds,
  ruleSetFor,
  validateInvoiceXml,
  validateUblElement,
  EN16931_CUSTOMIZATION,
  PEPPOL_BIS3_CUSTOMIZATION,
  type RuleSet,
  type ValidateOptions,
  type ValidationReport,
} from "./validation/validate.js";
export { LANGUAGES, type BusinessTerm, type Finding, type Language, type Severity } from "./validation/rule-engine.js";
/** The forbidden-element table of the UBL-CR rules: the conformance cases are generated from it. */
export { FORBIDDEN_ELEMENTS } from "./validation/ubl-syntax-table.js";
export { parseXml, XmlRefusedError, type XmlElement, type XmlLimits } from "./validation/safe-xml.js";
export { createInvoices, type InvoiceService } from "./invoices-module.js";
export { INVOICES_QUEUES } from "./invoices-queues.js";
export { invoicesMigrations } from "./invoices-migrations.js";
export type { InvoicesTables } from "./invoices-tables.js";
export type { ForwardMessage, SendForward } from "./invoice-forwarding.js";
export type { JobSends } from "./invoice-jobs.js";
export { forwardMessageId } from "./invoice-jobs.js";
export type { InvoiceDetail, InvoiceView, JobView, JobError, UploadView } from "./invoice-views.js";
