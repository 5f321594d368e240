import { test, expect, Page } from "@playwright/test";
import { statSync } from "node:fs";
import { login, FAMILY_STEP2, payDetails } from "./helpers";

// Checks for a family on a cheap phone: what the bundle costs, and pages that fit the screen.
const SITE = process.env.SITE_DIR ?? "../target/site";
const PHONE = { width: 390, height: 844 };

test("only islands load the bundle: pages without one fetch nothing; it is small, precompressed and cached for good", async ({ page, request, javaScriptEnabled, context }) => {
  const fetched: string[] = [];
  page.on("request", (r) => {
    if (/\/pkg\/[^?]+\.(wasm|js)(\?|$)/.test(r.url())) fetched.push(r.url());
  });
  // A page with nothing interactive on it is plain HTML: no WebAssembly, no script file.
  await page.goto("/events");
  await page.waitForLoadState("networkidle");
  expect(fetched).toEqual([]);

  // Where to pay, with its copy buttons (islands): the bundle is fetched and the buttons work.
  await login(page, "awa@demo.tessera.cm", "demo-family-2026");
  fetched.length = 0;
  await page.goto("/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30");
  await page.waitForLoadState("networkidle");
  const copy = page.getByRole("button", { name: /Copy the number|Copier le numéro/ }).first();
  if (javaScriptEnabled) {
    expect(fetched.length).toBe(2);
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    await expect(copy).toBeVisible();
    await copy.click();
    await expect(copy).toHaveText(/Copied|Copié/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^\d{6,}$/);
  } else {
    expect(fetched).toEqual([]);
    await expect(copy).toBeHidden();
  }

  // What a phone downloads, read from the built files: brotli of the WebAssembly and its glue.
  const brotli = statSync(`${SITE}/pkg/tessera.wasm.br`).size + statSync(`${SITE}/pkg/tessera.js.br`).size;
  console.log(`bundle: ${brotli} bytes brotli (wasm + js)`);
  // The goal is 250 KB of WebAssembly and script before a page is interactive (212 KB on
  // 2026-12-07, README "Pages", with only the islands' words in the bundle).
  expect(brotli).toBeLessThan(250_000);

  const html = await (await request.get("/events")).text();
  const wasm = html.match(/fetch\("([^"]+\.wasm\?v=[0-9a-f]{16})"\)/)?.[1];
  expect(wasm, "a content-versioned address").toBeTruthy();
  expect(html).not.toContain("modulepreload");
  const res = await request.get(wasm!, { headers: { "accept-encoding": "br" } });
  expect(res.status()).toBe(200);
  expect(res.headers()["content-encoding"]).toBe("br");
  expect(res.headers()["cache-control"]).toContain("immutable");
  expect((await request.get("/favicon.ico")).status()).toBe(200);
});

async function fits(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${path} is ${width}px wide on a 390px phone`).toBeLessThanOrEqual(PHONE.width);
  const title = await page.title();
  expect(title, `${path} has its own title`).toMatch(/.+ · Tessera$/);
}

test.describe("on a 390 px phone", () => {
  test.use({ viewport: PHONE, locale: "fr-FR" });

  test("no page scrolls sideways, each has its title, and the menu folds away", async ({ page }) => {
    for (const path of ["/login", "/register", "/forgot", "/events", "/events/festival-yaounde", "/events/villa-kribi"]) {
      await fits(page, path);
    }
    // The header leaves the screen to the page: the menu opens on demand.
    const nav = page.getByRole("navigation", { name: /Navigation principale|Main navigation/ });
    await expect(nav).toBeHidden();
    await page.locator("label.menu-button").click();
    await expect(nav).toBeVisible();
    const header = await page.locator("header.site-header").boundingBox();
    await page.locator("label.menu-button").click();
    const folded = await page.locator("header.site-header").boundingBox();
    expect(folded!.height).toBeLessThan(PHONE.height * 0.12);
    expect(header!.height).toBeGreaterThan(folded!.height);

    await login(page, "awa@demo.tessera.cm", "demo-family-2026");
    for (const path of [
      "/family", "/billing", "/pay", "/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30",
            "/tickets", "/account",
    ]) {
      await fits(page, path);
    }
    // The summary before sending speaks the family's language, not the database's.
    const summary = page.locator("dl.facts");
    await fits(page, await payDetails(page, FAMILY_STEP2));
    await expect(summary).toContainText("Gestionnaire Famille");
    await expect(summary).toContainText("15 000 FCFA");
    await expect(summary).toContainText("MTN Mobile Money");
    for (const code of ["FAMILY_MANAGER", "MTN_MOMO", "15000"]) await expect(summary).not.toContainText(code);
    await page.goto("/tickets");
    const ticket = await page.locator('a[href^="/tickets/TKT-"]').first().getAttribute("href", { timeout: 2_000 }).catch(() => null);
    if (ticket) await fits(page, ticket);
  });

  test("admin pages fit too", async ({ page }) => {
    await login(page, "admin@demo.tessera.cm", "demo-admin-2026");
    for (const path of [
      "/admin", "/admin/tickets", "/admin/orders", "/admin/payments", "/admin/subscriptions", "/admin/events", "/admin/events?edit=festival-yaounde",
      "/admin/refunds", "/admin/commissions", "/admin/verification", "/admin/stats", "/admin/pay-accounts", "/admin/statements", "/settings/mobile-money",
    ]) {
      await fits(page, path);
    }
    await page.goto("/admin/orders");
    const order = await page.locator('a[href^="/admin/orders/ORD-"]').first().getAttribute("href", { timeout: 2_000 }).catch(() => null);
    if (order) await fits(page, order);
    await page.goto("/admin/tickets");
    const ticket = await page.locator('a[href^="/admin/tickets/TKT-"]').first().getAttribute("href", { timeout: 2_000 }).catch(() => null);
    if (ticket) await fits(page, ticket);
    await page.goto("/admin/statements");
    const statement = await page.locator('table a[href^="/admin/statements/"]').first().getAttribute("href", { timeout: 2_000 }).catch(() => null);
    if (statement) await fits(page, statement);
  });
});

test("a phone photo over 5 MB is shrunk and turned upright in the browser, then sent", async ({ page, javaScriptEnabled }) => {
  test.skip(!javaScriptEnabled, "the browser does the shrinking; without JavaScript the 5 MB limit applies");
  await login(page, "awa@demo.tessera.cm", "demo-family-2026");
  await page.goto(await payDetails(page, { ...FAMILY_STEP2, transaction_id: "MTN-SHRINK-1" }));
  await page.waitForLoadState("networkidle");
  // A 4000 × 3000 photo of noise (JPEG barely compresses it) that a phone held upright
  // stored sideways: EXIF orientation 6 says "turn 90° clockwise to view".
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement("canvas");
    canvas.width = 4000;
    canvas.height = 3000;
    const ctx = canvas.getContext("2d")!;
    const data = ctx.createImageData(4000, 3000);
    for (let i = 0; i < data.data.length; i++) data.data[i] = (i * 2654435761) % 251;
    ctx.putImageData(data, 0, 0);
    const blob: Blob = await new Promise((r) => canvas.toBlob((b) => r(b!), "image/jpeg", 0.97));
    const jpeg = new Uint8Array(await blob.arrayBuffer());
    const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
    const payload = [...new TextEncoder().encode("Exif"), 0, 0, ...tiff];
    const len = payload.length + 2;
    const out = new Uint8Array(jpeg.length + 4 + payload.length);
    out.set([0xff, 0xd8, 0xff, 0xe1, len >> 8, len & 0xff, ...payload]);
    out.set(jpeg.subarray(2), 4 + payload.length);
    let s = "";
    for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.subarray(i, i + 0x8000));
    return btoa(s);
  });
  const photo = Buffer.from(base64, "base64");
  expect(photo.length).toBeGreaterThan(5_000_000);
  await page.getByLabel(/Screenshot or PDF of the payment|Capture d'écran ou PDF du paiement/).setInputFiles({ name: "recu.jpg", mimeType: "image/jpeg", buffer: photo });
  await expect(page.getByText(/Photo reduced from \d+\.\d\sMB to \d+\.\d\sMB before sending\.|Photo réduite de \d+,\d\sMo à \d+,\d\sMo avant l'envoi\./)).toBeVisible({ timeout: 20_000 });
  const sent = await page.locator("#f-proof").evaluate((i: HTMLInputElement) => ({ size: i.files![0].size, type: i.files![0].type }));
  expect(sent.type).toBe("image/jpeg");
  expect(sent.size).toBeLessThan(photo.length / 2);
  const preview = page.locator(".preview img");
  await expect(preview).toBeVisible();
  const shape = await preview.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]);
  expect(shape).toEqual([1500, 2000]);
  await page.getByRole("button", { name: /Send the payment ticket|Envoyer le ticket de paiement/ }).click();
  await expect(page).toHaveURL(/\/tickets\/TKT-[\d-]+\?submitted=1/);
});
