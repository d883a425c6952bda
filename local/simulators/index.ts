// Every simulator the local host runs, one line each.
import { budgetSftpSimulator } from "./budget-sftp.js";
import type { BudgetSftpServer } from "./budget-sftp-server.js";
import { budgetSheetsSimulator } from "./budget-sheets.js";
import type { BudgetSheetsSimulator } from "./budget-sheets-partner.js";
import { clearfactsSimulator } from "./clearfacts.js";
import type { ClearfactsSimulator } from "./clearfacts-partner.js";
import { entraSimulator } from "./entra.js";
import type { EntraSimulator } from "./entra-partner.js";
import { esgSimulator } from "./esg.js";
import type { EsgSimulators } from "./esg-partners.js";
import { invoiceSourceSimulator } from "./invoice-source.js";
import type { InvoiceSourceSimulator } from "./invoice-source-partner.js";
import type { RunningSimulator } from "./local-simulator.js";
import { sapSimulator } from "./sap.js";
import { webhookReceiverSimulator } from "./webhook-receiver.js";
import type { WebhookReceiverSimulator } from "./webhook-receiver-partner.js";

/** What tests and benchmarks can steer directly, by simulator. */
export interface SimulatorHandles {
  readonly esg?: EsgSimulators;
  readonly invoiceSource?: InvoiceSourceSimulator;
  readonly clearfacts?: ClearfactsSimulator;
  readonly webhookReceiver?: WebhookReceiverSimulator;
  readonly budgetSftp?: BudgetSftpServer;
  readonly budgetSheets?: BudgetSheetsSimulator;
  readonly entra?: EntraSimulator;
}

/** Starts every simulator (each decides from `env` whether it is needed). */
export async function startSimulators(
  env: NodeJS.ProcessEnv,
): Promise<{ handles: SimulatorHandles; running: readonly RunningSimulator<unknown>[] }> {
  const running: RunningSimulator<unknown>[] = [];
  try {
    const sap = await sapSimulator.start(env);
    running.push(sap);
    const esg = await esgSimulator.start(env);
    running.push(esg);
    const invoiceSource = await invoiceSourceSimulator.start(env);
    running.push(invoiceSource);
    const clearfacts = await clearfactsSimulator.start(env);
    running.push(clearfacts);
    const webhookReceiver = await webhookReceiverSimulator.start(env);
    running.push(webhookReceiver);
    const budgetSftp = await budgetSftpSimulator.start(env);
    running.push(budgetSftp);
    const budgetSheets = await budgetSheetsSimulator.start(env);
    running.push(budgetSheets);
    const entra = await entraSimulator.start(env);
    running.push(entra);
    return {
      handles: {
        ...(esg.handle ? { esg: esg.handle } : {}),
        ...(invoiceSource.handle ? { invoiceSource: invoiceSource.handle } : {}),
        ...(clearfacts.handle ? { clearfacts: clearfacts.handle } : {}),
        ...(webhookReceiver.handle ? { webhookReceiver: webhookReceiver.handle } : {}),
        ...(budgetSftp.handle ? { budgetSftp: budgetSftp.handle } : {}),
        ...(budgetSheets.handle ? { budgetSheets: budgetSheets.handle } : {}),
        ...(entra.handle ? { entra: entra.handle } : {}),
      },
      running,
    };
  } catch (error) {
    await Promise.all(running.map((r) => r.close()));
    throw error;
  }
}
