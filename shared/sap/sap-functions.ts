/**
 * The remote-enabled function modules the platform calls, and the SAP structures they
 * return (field names as in SAP). The Z modules are the customer's own; their names are
 * settings (SAP_RFC_FUNCTION_*), defaulting to seed 000's names where it gives one.
 *
 * Z_LIST_PROJECTS       IV_FILTER ('PEP' | 'DEPT' | 'ALL'), IV_VALUE, IV_SKIP and IV_MAX_ROWS (paging)
 *                       → ET_PROJECTS: SapProjectHeaderRow[], EV_TOTAL
 * Z_READ_PROJECT_DATA   PROJECT_ID (PSPID)
 *                       → ES_HEADER: SapProjectRow, ET_WBS: SapWbsRow[],
 *                         ET_RESOURCE_PLAN: SapResourcePlanRow[]; raises NOT_FOUND
 * Z_READ_RESOURCES      IV_ABTEI (optional) → ET_RESOURCES: SapResourceRow[]
 * Z_READ_COST_CENTER_PLAN IV_GJAHR, IV_ABTEI (optional) → ET_PLAN: SapCostCenterPlanRow[]
 * Z_UPDATE_PROJECT_DATA PROJECT_ID, IV_REFERENCE (the saga id), IT_ENTRIES: SapBillingEntryRow[]
 *                       → EV_DOCUMENT, EV_DUPLICATE ('X' when the reference was posted before)
 * Z_REVERSE_BILLING     IV_REFERENCE → EV_REVERSED ('X' when this call reversed it)
 * Z_READ_BILLING_DATA   PROJECT_ID, IV_REFERENCE (optional) → ET_BILLING: SapBillingEntryRow[]
 * Z_LIST_BILLING_CHANGES IV_SINCE (YYYYMMDDhhmmss UTC) → ET_CHANGES {PROJECT_ID, CHANGED_AT}, EV_NOW
 * Z_BILLING_CHECKSUMS   IV_FROM, IV_TO, IV_DETAIL | IT_PROJECTS → EV_RANGE_CHECKSUM, EV_COUNT,
 *                       ET_CHECKSUMS {PROJECT_ID, CHECKSUM}
 * RFC_PING              (standard) health probe
 */
export const RFC_PING = "RFC_PING";

/** Values arrive as SAP sends them: padded CHAR, NUMC with zeros, DATS, CURR strings. */
type Char = string;

export interface SapProjectHeaderRow {
  PSPNR: Char; // internal project number, NUMC 8
  PSPID: Char; // project definition (external id), CHAR 24
  POST1: Char; // description, CHAR 40
  ABTEI: Char; // department
  AEDAT: Char; // changed on, DATS
}

export interface SapProjectRow extends SapProjectHeaderRow {
  BUKRS: Char; // company code
  WAERS: Char; // project currency
  PLFAZ: Char; // planned start, DATS
  PLSEZ: Char; // planned finish, DATS (00000000 when open-ended)
  STATUS: Char; // system status: CRTD, REL, TECO, CLSD
  VERNA: Char; // responsible person
  PRART: Char; // project type: FP fixed price, TM time and materials
  NETWR: Char; // contract value, CURR
  PLKOST: Char; // planned cost, CURR
  ISTKOST: Char; // actual cost, CURR
  FAKTWR: Char; // billed to date, CURR
  FAKDAT: Char; // last billing date, DATS
  OUTSRC: Char; // outsourced cost (purchase orders), CURR
}

export interface SapWbsRow {
  PSPNR: Char; // WBS element internal number
  POSID: Char; // WBS element (PEP), e.g. PRJ-000123.01
  POST1: Char;
  STUFE: Char; // level in the hierarchy
}

export interface SapResourcePlanRow {
  PERNR: Char; // personnel number, NUMC 8
  POSID: Char; // WBS element the hours are planned on
  PLANSTD: Char; // planned hours
  ISTSTD: Char; // confirmed hours
}

export interface SapResourceRow {
  PERNR: Char;
  ENAME: Char; // formatted name
  ABTEI: Char;
  KOSTL: Char; // cost center, CHAR 10 (ALPHA)
  TARIF: Char; // hourly cost rate, CURR
  WAERS: Char;
  KAPAZ: Char; // weekly capacity hours
  VERPL: Char; // hours planned this week
}

export interface SapCostCenterPlanRow {
  KOSTL: Char;
  KTEXT: Char; // cost center name
  ABTEI: Char;
  GJAHR: Char; // fiscal year, NUMC 4
  WAERS: Char;
  WTPLAN: Char; // planned costs for the year, CURR
  WTGXXX: Char; // actual costs for the year, CURR
}

export interface SapBillingEntryRow {
  DOCNR: Char; // accounting document, empty for entries SAP had before the platform
  REFERENCE: Char; // the posting's reference (saga id)
  ENTRY_ID: Char; // the platform's entry id
  AMOUNT: Char; // CURR
  WAERS: Char;
  BUDAT: Char; // posting (billing) date, DATS
  SGTXT: Char; // item text
}
