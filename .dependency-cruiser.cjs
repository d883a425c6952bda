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
      from: { path: "^functions/" },
      to: { path: "^shared/", pathNot: "^shared/index\\.ts$" },
    },
    {
      name: "local-host-uses-the-shared-entry",
      comment: "The local host reaches the domain only through shared/index.ts and the local-only entry shared/local.ts.",
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
      name: "domain-has-no-infrastructure",
      comment: "shared/domain holds meanings (errors, roles), not clients.",
      severity: "error",
      from: { path: "^shared/domain/" },
      to: { path: "node_modules/(@azure/|tedious|ioredis|better-sqlite3|kysely)" },
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
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
