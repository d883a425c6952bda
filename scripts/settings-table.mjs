// Prints the README configuration table from the settings schema (run after `npm run build`).
import { SETTINGS } from "../dist/shared/catalog.js";

const defaultOf = (schema) => {
  const r = schema.safeParse(undefined);
  if (!r.success || r.data === undefined) return "";
  return typeof r.data === "object" ? JSON.stringify(r.data) : String(r.data);
};
console.log("| Setting | Scope | Default | Description |");
console.log("| --- | --- | --- | --- |");
for (const [name, spec] of Object.entries(SETTINGS)) {
  const d = defaultOf(spec.schema);
  console.log(`| \`${name}\` | ${spec.scope} | ${d ? `\`${d}\`` : "—"} | ${spec.description.replace(/\|/g, "\\|")} |`);
}
