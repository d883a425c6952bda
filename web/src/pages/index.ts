// The one page registry: the router and the nav both read it. Add a page here, once.
import type { FunctionComponent } from "preact";
import { ANALYTICS_READERS, ANY_ROLE, FINANCE_WRITERS, type Role } from "../auth/roles";
import { AnomaliesPage } from "./analytics/AnomaliesPage";
import { ChatPage } from "./analytics/ChatPage";
import { DashboardPage } from "./analytics/DashboardPage";
import { RcaPage } from "./analytics/RcaPage";
import { BudgetCheckPage } from "./budgets/BudgetCheckPage";
import { BudgetImportPage } from "./budgets/BudgetImportPage";
import { BudgetsPage } from "./budgets/BudgetsPage";
import { ImportHistoryPage } from "./budgets/ImportHistoryPage";
import { HomePage } from "./home/HomePage";
import { BackupsPage } from "./operations/BackupsPage";
import { EsgRunsPage } from "./operations/EsgRunsPage";
import { InvoiceJobsPage } from "./operations/InvoiceJobsPage";
import { RECEIVED_INVOICES_PATH, ReceivedInvoicesPage } from "./operations/ReceivedInvoicesPage";
import { ReportsPage } from "./operations/ReportsPage";
import { ValidateUblPage } from "./operations/ValidateUblPage";

export type Area = "home" | "budgets" | "analytics" | "operations";

export interface PageEntry {
  readonly path: string;
  readonly title: string;
  readonly roles: readonly Role[];
  readonly component: FunctionComponent;
  readonly area: Area;
  /**
   * For a page whose API's roles are a setting: a GET route answering `{allowed}` for the
   * caller; the page is offered only when it says yes (`roles` is the widest it can be).
   */
  readonly access?: string;
}

export const pages: readonly PageEntry[] = [
  { path: "/", title: "Home", roles: ANY_ROLE, component: HomePage, area: "home" },
  { path: "/budgets", title: "Budgets", roles: ANY_ROLE, component: BudgetsPage, area: "budgets" },
  { path: "/budgets/check", title: "Budget check", roles: ANY_ROLE, component: BudgetCheckPage, area: "budgets" },
  {
    path: "/budgets/import",
    title: "Import a file",
    roles: FINANCE_WRITERS,
    component: BudgetImportPage,
    area: "budgets",
  },
  { path: "/budgets/imports", title: "Import history", roles: ANY_ROLE, component: ImportHistoryPage, area: "budgets" },
  { path: "/analytics", title: "Dashboard", roles: ANY_ROLE, component: DashboardPage, area: "analytics" },
  {
    path: "/analytics/anomalies",
    title: "Anomalies",
    roles: ANALYTICS_READERS,
    component: AnomaliesPage,
    area: "analytics",
  },
  { path: "/analytics/rca", title: "Root causes", roles: ANALYTICS_READERS, component: RcaPage, area: "analytics" },
  { path: "/analytics/chat", title: "Chat", roles: ANALYTICS_READERS, component: ChatPage, area: "analytics" },
  {
    path: "/operations/invoices",
    title: "Invoice jobs",
    roles: ANY_ROLE,
    component: InvoiceJobsPage,
    area: "operations",
  },
  // Roles as the routes allow: invoices, ESG runs and reports are open to every role;
  // validate to INVOICES_VALIDATE_ROLES (all by default, asked of the API); backups to admin and finance.
  {
    path: RECEIVED_INVOICES_PATH,
    title: "Received invoices",
    roles: ANY_ROLE,
    component: ReceivedInvoicesPage,
    area: "operations",
  },
  {
    path: "/operations/validate",
    title: "Validate UBL",
    roles: ANY_ROLE,
    access: "/v1/invoices/validate/access",
    component: ValidateUblPage,
    area: "operations",
  },
  { path: "/operations/esg", title: "ESG runs", roles: ANY_ROLE, component: EsgRunsPage, area: "operations" },
  { path: "/operations/reports", title: "Reports", roles: ANY_ROLE, component: ReportsPage, area: "operations" },
  {
    path: "/operations/backups",
    title: "Backups",
    roles: FINANCE_WRITERS,
    component: BackupsPage,
    area: "operations",
  },
];
