/** Layer rules, checked by `npm test` (npm run lint:deps). */
module.exports = {
  forbidden: [
    {
      name: "shared-knows-no-triggers",
      comment: "The domain package knows nothing of triggers, hosts or the Functions library.",
      severity: "error",
      from: { path: "^shared/" },
      to: { path: "^(functions|local)/|node_modules/@azure/functions/" },
    },
    {
      name: "functions-use-the-shared-entry",
      comment: "functions/ reaches the domain only through shared/index.ts.",
      severity: "error",
      from: { path: "^functions/", pathNot: "^functions/main\\.ts$" },
      to: { path: "^shared/", pathNot: "^shared/index\\.ts$" },
    },
    {
      name: "azure-entry-imports-only-telemetry",
      comment: "The Azure entry starts telemetry before the app is imported: shared/index.ts would load the app first.",
      severity: "error",
      from: { path: "^functions/main\\.ts$" },
      to: { path: "^shared/", pathNot: "^shared/foundation/telemetry\\.ts$" },
    },
    {
      name: "local-host-uses-the-shared-entry",
      comment:
        "The local host reaches the domain only through shared/index.ts and the local-only entry shared/local.ts.",
      severity: "error",
      from: { path: "^local/" },
      to: { path: "^shared/", pathNot: "^shared/(index|local)\\.ts$" },
    },
    {
      name: "shared-entry-excludes-local-only",
      comment: "The Azure entry never pulls in the local-only entry.",
      severity: "error",
      from: { path: "^shared/", pathNot: "^shared/local\\.ts$" },
      to: { path: "^shared/local\\.ts$" },
    },
    {
      name: "kernel-imports-nothing",
      comment:
        "shared/kernel holds meanings without I/O (errors, roles, money, csv, encryption): Node built-ins and zod only.",
      severity: "error",
      from: { path: "^shared/kernel/" },
      to: { pathNot: ["^shared/kernel/", "node_modules/zod/"], dependencyTypesNot: ["core"] },
    },
    {
      name: "ports-only-kernel",
      comment: "A port is an interface over kernel types; it knows no adapter, foundation or system.",
      severity: "error",
      from: { path: "^shared/ports/" },
      to: { path: "^shared/", pathNot: "^shared/(ports|kernel)/" },
    },
    {
      name: "foundation-never-imports-a-system",
      comment: "Plumbing serves every system and knows none: no system, adapter, SAP contract or root import.",
      severity: "error",
      from: { path: "^shared/foundation/" },
      to: { path: "^shared/(systems/|adapters/|sap/|[^/]+\\.ts$)" },
    },
    {
      name: "sap-contract-knows-no-system",
      comment:
        "The SAP contract (functions, normalisation, checksums, guarded client) serves systems and adapters alike.",
      severity: "error",
      from: { path: "^shared/sap/" },
      to: { path: "^shared/(systems/|adapters/|[^/]+\\.ts$)" },
    },
    {
      name: "adapters-never-systems",
      comment: "An adapter implements a port; it never reaches into a business system or the root.",
      severity: "error",
      from: { path: "^shared/adapters/" },
      to: { path: "^shared/(systems/|[^/]+\\.ts$)" },
    },
    {
      name: "systems-use-ports-not-adapters",
      comment: "A system is wired from ports by the root; it never imports an adapter or the root itself.",
      severity: "error",
      from: { path: "^shared/systems/" },
      to: { path: "^shared/(adapters/|[^/]+\\.ts$)" },
    },
    {
      name: "systems-meet-through-index",
      comment: "A system reaches another only through that system's index.ts, its one public face.",
      severity: "error",
      from: { path: "^shared/systems/([^/]+)/" },
      to: { path: "^shared/systems/", pathNot: ["^shared/systems/$1/", "^shared/systems/[^/]+/index\\.ts$"] },
    },
    {
      name: "root-uses-system-faces",
      comment: "The composition root and the shared entries see a system through its index.ts too.",
      severity: "error",
      from: { path: "^shared/[^/]+\\.ts$" },
      to: { path: "^shared/systems/", pathNot: "^shared/systems/[^/]+/index\\.ts$" },
    },
    {
      name: "functions-do-not-import-the-local-host",
      severity: "error",
      from: { path: "^functions/" },
      to: { path: "^local/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
