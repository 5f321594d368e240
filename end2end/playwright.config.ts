import { defineConfig } from "@playwright/test";

// System Chromium (Debian's package): Playwright's own browser download cannot run here.
const chromium = {
  browserName: "chromium" as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  },
};

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Two tests at a time (a file's tests stay in order unless it says otherwise, as the
  // accessibility spec does): every spec makes its own accounts and orders, so they do not see
  // each other. On this 2-core machine the suite took
  // 8.6-8.9 min with one worker and 5.8 min with two (2026-12-07). Once the accessibility spec
  // ran as separate page groups (2026-12-08): 347 s with two workers, 330 s with three, 324 s
  // with four, the cores 85 %, 94 % and 98 % busy: the browsers are what the time is spent on,
  // and a little gain is not worth tests racing for the CPU. PW_WORKERS overrides it.
  fullyParallel: false,
  workers: Number(process.env.PW_WORKERS ?? 2),
  reporter: [["list"]],
  use: { baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000", locale: "en-US", ...chromium },
  // Every spec runs twice: hydrated, and as plain HTML forms with JavaScript off.
  projects: [
    { name: "js", use: { javaScriptEnabled: true } },
    { name: "no-js", use: { javaScriptEnabled: false } },
  ],
});
