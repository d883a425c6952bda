// Browser tests: Debian's chromium driven by playwright-core against a real local host.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { LOCAL_ADMIN } from "./test-host.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOTS = join("test-results", "screenshots");

/** The reason to skip, only when there is no chromium to drive (CI installs Debian's). */
export function browserSkip(): string | false {
  return existsSync(CHROMIUM)
    ? false
    : `chromium not found at ${CHROMIUM}: install Debian's chromium to run browser tests`;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** Signs in through the console's form; resolves once the nav is shown. */
export async function signIn(page: Page, baseUrl: string, user: { username: string; password: string } = LOCAL_ADMIN) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("Username").fill(user.username);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
}

/** A full-page PNG into the git-ignored test-results/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
