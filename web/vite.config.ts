import { defineConfig } from "vite";

// Preact JSX through Vite's own transformer (oxc in Vite 8): no framework plugin needed.
// Run from the repository root (`npm run build`): the bundle goes to dist/web with hashed
// assets, which the local host serves as immutable.
export default defineConfig({
  root: "web",
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "../dist/web", emptyOutDir: true, sourcemap: false },
  server: { proxy: { "/api": "http://localhost:7071" } },
});
