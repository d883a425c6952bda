// azd `postprovision` hook (azure.yaml): runs on the deployer's machine after `azd provision`
// (and inside `azd up`, before the code is deployed), with the azd environment's values and
// main.bicep's outputs exported as environment variables. It
//   1. writes the Key Vault secrets that can be generated, when absent (never overwrites);
//   2. opens the SQL server's firewall to this machine's public IP for its own run only;
//   3. applies the database migrations as the deploying Entra user (`npm run migrate`);
//   4. creates the app identity's contained database user with least privilege
//      (db_datareader, db_datawriter, EXECUTE; no DDL: the app never migrates in Azure);
//   5. creates the first local admin when the database has no active admin, its generated
//      password stored in Key Vault as `initial-admin-password` (never replaced afterwards);
//   6. prints the secrets and settings that only an operator can supply.
// Needs: Node 20+, `npm ci` done, Azure CLI signed in (`az login`) as the SQL Entra admin
// with Key Vault Secrets Officer on the vault (Bicep grants both to the deploying principal).
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const root = new URL("../", import.meta.url).pathname;
const env = process.env;

function need(name) {
  if (!env[name])
    throw new Error(`${name} is not set: run this through azd (azd provision / azd up), which exports it`);
  return env[name];
}

function az(args, { quiet = false } = {}) {
  return execFileSync("az", [...args, "--only-show-errors"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", quiet ? "ignore" : "inherit"],
  }).trim();
}

/** Retries while a fresh role assignment or firewall rule takes effect (up to a few minutes). */
async function withRetry(what, action, attempts = 10) {
  for (let i = 1; ; i++) {
    try {
      return await action();
    } catch (error) {
      if (i >= attempts) throw error;
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      console.log(`  ${what} failed (attempt ${i}/${attempts}: ${reason}); retrying in 30 s`);
      await sleep(30_000);
    }
  }
}

/** True or false only when Key Vault says so: an unclear answer must never lead to overwriting a key. */
function secretExists(vault, name) {
  const shown = spawnSync(
    "az",
    [
      "keyvault",
      "secret",
      "show",
      "--vault-name",
      vault,
      "--name",
      name,
      "--query",
      "id",
      "-o",
      "tsv",
      "--only-show-errors",
    ],
    { encoding: "utf8" },
  );
  if (shown.status === 0) return true;
  if (/SecretNotFound|was not found/i.test(shown.stderr)) return false;
  throw new Error(`Could not tell whether secret ${name} exists: ${shown.stderr.trim() || shown.error?.message}`);
}

/** Writes through a 0600 temp file, so the value never appears on a command line. */
function setSecret(vault, name, value) {
  const dir = mkdtempSync(join(tmpdir(), "postprovision-"));
  const file = join(dir, "value");
  try {
    writeFileSync(file, value, { mode: 0o600 });
    az([
      "keyvault",
      "secret",
      "set",
      "--vault-name",
      vault,
      "--name",
      name,
      "--file",
      file,
      "--encoding",
      "utf-8",
      "--content-type",
      "text/plain",
      "-o",
      "none",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function generateSecrets(vault, secrets) {
  console.log(`Key Vault ${vault}: generated secrets`);
  for (const { name, spec } of secrets.filter((s) => s.spec.secret.setBy === "generated")) {
    await withRetry(`secret ${name}`, async () => {
      if (secretExists(vault, name)) return console.log(`  ${name}: present, kept`);
      setSecret(vault, name, randomBytes(spec.secret.randomBytes).toString("base64"));
      console.log(`  ${name}: generated (${spec.secret.randomBytes} random bytes, base64)`);
    });
  }
}

/** This machine's public IP as Azure SQL sees it (SQL_FIREWALL_IP overrides, e.g. behind a proxy). */
async function publicIp() {
  if (env.SQL_FIREWALL_IP) return env.SQL_FIREWALL_IP;
  const response = await globalThis.fetch("https://api.ipify.org");
  if (!response.ok) throw new Error(`Could not learn this machine's public IP (${response.status})`);
  return (await response.text()).trim();
}

/** The contained user of the app's identity, with the grants roles.json lists and nothing more. */
export function appUserStatements(identityName, grants) {
  if (!/^[A-Za-z0-9_-]+$/.test(identityName)) throw new Error(`Unexpected identity name ${identityName}`);
  const user = `[${identityName}]`;
  return [
    `IF DATABASE_PRINCIPAL_ID(N'${identityName}') IS NULL CREATE USER ${user} FROM EXTERNAL PROVIDER`,
    ...grants.sqlRoles.map((role) => `ALTER ROLE ${role} ADD MEMBER ${user}`),
    ...grants.sqlGrants.map((right) => `GRANT ${right} TO ${user}`),
    // Earlier versions of these steps made the identity db_ddladmin; take that back.
    `IF IS_ROLEMEMBER(N'db_ddladmin', N'${identityName}') = 1 ALTER ROLE db_ddladmin DROP MEMBER ${user}`,
  ];
}

/** Key Vault secret holding the first admin's generated password (read by operators, not the app). */
export const ADMIN_PASSWORD_SECRET = "initial-admin-password";

/** The first admin's username: azd env AZURE_ADMIN_USERNAME, else `admin`. */
export function firstAdminUsername(environment = env) {
  return environment.AZURE_ADMIN_USERNAME?.trim() || "admin";
}

/** 24 random bytes, base64url: 32 characters (192 bits), without the username in it. */
export function generateAdminPassword(username) {
  // The password policy refuses a password holding the username (1 in ~1,500 draws for a
  // three-letter name): draw again rather than fail the hook.
  for (;;) {
    const password = randomBytes(24).toString("base64url");
    if (!password.toLowerCase().includes(username.toLowerCase())) return password;
  }
}

/**
 * The first admin, when the database has no active one (identity decides). The password is
 * generated and stored (storePassword) only then, and before the user exists, so a failed
 * store leaves no admin whose password nobody knows. With an admin, nothing is stored.
 */
export async function ensureFirstAdmin(db, { username, storePassword }) {
  const { bootstrapFirstAdmin } = await import("../dist/shared/systems/identity/index.js");
  const { systemClock } = await import("../dist/shared/ports/clock.js");
  return bootstrapFirstAdmin({
    db,
    clock: systemClock,
    username,
    password: async () => {
      const password = generateAdminPassword(username);
      await storePassword(password);
      return password;
    },
  });
}

function reportFirstAdmin(vault, result) {
  if (result.outcome === "exists") {
    return console.log(`  first admin: an active admin exists, none created (${ADMIN_PASSWORD_SECRET} left as is)`);
  }
  console.log(
    `  first admin '${result.username}' created; its password is the Key Vault secret ${ADMIN_PASSWORD_SECRET}:`,
  );
  console.log(`    az keyvault secret show --vault-name ${vault} --name ${ADMIN_PASSWORD_SECRET} --query value -o tsv`);
  console.log(`  after signing in (POST /api/v1/auth/login), change it: PUT /api/v1/users/${result.userId}/password`);
}

async function prepareDatabase(vault) {
  const resourceGroup = need("AZURE_RESOURCE_GROUP");
  const server = need("AZURE_SQL_SERVER");
  const identityName = need("AZURE_MANAGED_IDENTITY_NAME");
  const roles = JSON.parse(readFileSync(join(root, "infra/bicep/roles.json"), "utf8"));
  const grants = roles.dataPlane.find((d) => d.sqlRoles);
  const { deployConnectionString, migrate } = await import("./migrate.mjs");
  const { sql } = await import("kysely");

  const ip = await publicIp();
  const rule = `azd-postprovision-${ip.replace(/[.:]/g, "-")}`;
  console.log(`SQL server ${server}: opening the firewall to ${ip} for this run (rule ${rule})`);
  az([
    "sql",
    "server",
    "firewall-rule",
    "create",
    "-g",
    resourceGroup,
    "-s",
    server,
    "-n",
    rule,
    "--start-ip-address",
    ip,
    "--end-ip-address",
    ip,
    "-o",
    "none",
  ]);
  try {
    const database = await withRetry("connecting to SQL", () => migrate(deployConnectionString()), 4);
    try {
      console.log("  migrations applied");
      for (const statement of appUserStatements(identityName, grants)) await sql.raw(statement).execute(database.db);
      console.log(`  contained user ${identityName}: ${[...grants.sqlRoles, ...grants.sqlGrants].join(", ")}`);
      const admin = await ensureFirstAdmin(database.db, {
        username: firstAdminUsername(),
        storePassword: (password) =>
          withRetry(`secret ${ADMIN_PASSWORD_SECRET}`, async () => setSecret(vault, ADMIN_PASSWORD_SECRET, password)),
      });
      reportFirstAdmin(vault, admin);
    } finally {
      await database.close();
    }
  } finally {
    az(["sql", "server", "firewall-rule", "delete", "-g", resourceGroup, "-s", server, "-n", rule, "-o", "none"]);
    console.log(`  firewall rule ${rule} removed`);
  }
}

function reportManualSteps(vault, secrets, slices) {
  console.log("\nTo be supplied by an operator (only where the feature is used):");
  for (const { name, spec } of secrets.filter((s) => s.spec.secret.setBy === "operator")) {
    if (!secretExists(vault, name)) console.log(`  secret ${name}: needed when ${spec.secret.neededWhen}`);
  }
  console.log(`  set one with: az keyvault secret set --vault-name ${vault} --name <name> --file <file>`);
  const unset = Object.values(slices)
    .flatMap((slice) => Object.entries(slice))
    .filter(
      ([, spec]) => spec.scope === "platform" && !spec.azure && spec.schema.safeParse(undefined).data === undefined,
    )
    .filter(([name]) => !env[name]);
  for (const [name, spec] of unset) console.log(`  setting ${name}: ${spec.description}`);
  console.log("  set one with: azd env set <NAME> <value> && azd provision");
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  if (!existsSync(join(root, "node_modules"))) {
    console.error("postprovision: run `npm ci` first (the hook uses the project's SQL driver and catalog)");
    process.exit(1);
  }
  if (!existsSync(join(root, "dist/shared/catalog.js"))) {
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  }
  const { SECRETS, SETTING_SLICES } = await import("../dist/shared/catalog.js");
  const vault = need("AZURE_KEY_VAULT_NAME");
  await generateSecrets(vault, SECRETS);
  await prepareDatabase(vault);
  reportManualSteps(vault, SECRETS, SETTING_SLICES);
}
