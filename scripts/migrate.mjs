// `npm run migrate`: applies the pending database migrations, at deploy time, as whoever
// runs it (the deploying user's Microsoft Entra identity through DefaultAzureCredential:
// `az login` / `azd auth login`). In Azure the app runs with SQL_MIGRATE_ON_START=false, so
// its managed identity needs no DDL right; azd runs this from the postprovision hook.
//
// The target: SQL_CONNECTION_STRING, or the azd outputs AZURE_SQL_SERVER_FQDN and
// AZURE_SQL_DATABASE (`azd env get-values`). Locally nothing is needed: `npm start` migrates
// the embedded SQLite file itself. Run `npm run build` first.
import { MIGRATIONS } from "../dist/shared/catalog.js";
import { openMssqlDatabase } from "../dist/shared/foundation/sql/database.js";

/** The connection string of the deploy-time step: Entra, as the signed-in user. */
export function deployConnectionString(env = process.env) {
  if (env.SQL_CONNECTION_STRING) return env.SQL_CONNECTION_STRING;
  const server = env.AZURE_SQL_SERVER_FQDN;
  const database = env.AZURE_SQL_DATABASE;
  if (!server || !database) {
    throw new Error(
      "Set SQL_CONNECTION_STRING, or AZURE_SQL_SERVER_FQDN and AZURE_SQL_DATABASE (azd env get-values), to migrate a SQL Server database",
    );
  }
  return `Server=tcp:${server},1433;Database=${database};Authentication=Active Directory Default;Encrypt=true`;
}

/** Applies every pending migration; returns the open database (the caller closes it). */
export async function migrate(connectionString) {
  return openMssqlDatabase(connectionString, MIGRATIONS, { migrate: true });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const database = await migrate(deployConnectionString());
  await database.close();
  console.log("Database migrations applied.");
}
