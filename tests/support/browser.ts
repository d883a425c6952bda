// Browser tests: Debian's chromium driven by playwright-core against a real local host.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { LOCAL_ADMIN, startTestHost, type TestHost } from "./test-host.js";

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

export interface ConsolePageOptions {
  readonly width?: number;
  readonly height?: number;
  /** Who signs in; the local admin unless named. */
  readonly user?: { username: string; password: string };
  /** The main navigation's link to follow once signed in. */
  readonly nav?: string;
}

/** One test host and one chromium shared by a `describe`'s browser tests. */
export interface ConsoleSession {
  readonly host: TestHost;
  readonly browser: Browser;
  /** A new page of that size (1280 × 900 unless given), signed in, on the `nav` page if named. */
  open(options?: ConsolePageOptions): Promise<Page>;
}

/**
 * The browser tests' shared setup: registers `before` (start the test host with `env` and
 * `options`, launch chromium, then `setup`, e.g. data through the API) and `after` (close
 * both). Call it inside the `describe`, like `before`.
 */
export function useConsole(
  env: Parameters<typeof startTestHost>[0] = {},
  options: Parameters<typeof startTestHost>[1] = {},
  setup?: (host: TestHost) => Promise<void>,
): ConsoleSession {
  let host: TestHost | undefined;
  let browser: Browser | undefined;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the console session's ${what} is used before its before() hook ran`);
    return value;
  };
  before(async () => {
    host = await startTestHost(env, options);
    browser = await launchBrowser();
    await setup?.(host);
  });
  after(async () => {
    await browser?.close();
    await host?.stop();
  });
  return {
    get host() {
      return started(host, "host");
    },
    get browser() {
      return started(browser, "browser");
    },
    async open({ width = 1280, height = 900, user, nav }: ConsolePageOptions = {}) {
      const page = await started(browser, "browser").newPage({ viewport: { width, height } });
      await signIn(page, started(host, "host").url, user);
      if (nav) await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: nav }).click();
      return page;
    },
  };
}

/** A full-page PNG into the git-ignored test-results/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
