import { test, expect, Page } from "@playwright/test";
import { login, asUser } from "./helpers";

// Every page is served under a strict Content-Security-Policy (scripts only from the site or
// with the response's nonce, no inline styles, no framing): the islands must still come alive
// under it, and the browser must refuse nothing on the way.
test("pages run under a strict security policy, and their islands still work", async ({ page, browser, javaScriptEnabled, context, baseURL }) => {
  const refused: string[] = [];
  const watch = (p: Page) =>
    p.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(`${p.url()}: ${m.text()}`);
    });
  watch(page);

  const res = await page.goto("/events");
  const headers = res!.headers();
  expect(headers["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'wasm-unsafe-eval'/);
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["permissions-policy"]).toContain("camera=(self)");

  // Where to pay: its copy buttons are islands, shown only once the WebAssembly runs.
  await login(page, "awa@demo.tessera.cm", "demo-family-2026");
  await page.goto("/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30");
  await page.waitForLoadState("networkidle");
  const copy = page.getByRole("button", { name: /Copy the number|Copier le numéro/ }).first();
  if (javaScriptEnabled) {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await copy.click();
    await expect(copy).toHaveText(/Copied|Copié/);
  } else {
    await expect(copy).toBeHidden();
  }

  // The door: its island and its service worker.
  const door = await asUser(browser, "door@demo.tessera.cm", "demo-door-2026", javaScriptEnabled);
  watch(door);
  await door.goto("/checkin");
  await door.waitForLoadState("networkidle");
  if (javaScriptEnabled) {
    await expect
      .poll(() => door.evaluate(async () => !!(await navigator.serviceWorker.getRegistration("/checkin"))))
      .toBe(true);
  }
  await door.context().close();

  // Another site cannot frame a page of Tessera.
  await page.setContent(`<h1>elsewhere</h1><iframe src="${baseURL}/events"></iframe>`);
  await page.waitForTimeout(1000);
  const framed = page.frames().find((f) => f !== page.mainFrame());
  expect(await framed?.locator("nav, main").count().catch(() => 0) ?? 0).toBe(0);

  expect(refused.filter((r) => !r.includes("elsewhere") && !r.includes("frame-ancestors"))).toEqual([]);
});
