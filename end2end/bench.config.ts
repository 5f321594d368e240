import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// The browser half of `./dev bench door`: a door phone in headless Chromium, answering scans
// from its downloaded list with no network. Figures are printed, never asserted.
export default defineConfig({
  ...base,
  testDir: "./bench",
  testMatch: /.*\.bench\.ts/,
  timeout: 300_000,
  projects: [{ name: "bench", use: { javaScriptEnabled: true } }],
});
