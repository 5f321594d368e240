import { test, expect, Page } from "@playwright/test";
import { login, FAMILY_STEP2, payDetails } from "./helpers";

// Pages speak the reader's language, never the database's: no codes such as MTN_MOMO,
// FAMILY_MANAGER, PROOF or order_created, no amount without its thousands grouped, and the
// counts agree with their nouns.

const MEMBER_PAGES = ["/family", "/billing", "/pay", "/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30", "/tickets", "/account", "/events", "/billing/subscribe/FAMILY_MANAGER"];
const ADMIN_PAGES = [
  "/admin", "/admin/tickets", "/admin/orders", "/admin/payments", "/admin/subscriptions", "/admin/events", "/admin/events?edit=festival-yaounde",
  "/admin/refunds", "/admin/commissions", "/admin/verification", "/admin/stats", "/admin/pay-accounts", "/admin/statements", "/checkin", "/settings/sumup", "/settings/mobile-money",
];

// What a person reads on the page: text nodes outside form controls, scripts and styles.
async function readable(page: Page): Promise<string> {
  return page.evaluate(() => {
    const skip = new Set(["SCRIPT", "STYLE", "SELECT", "OPTION", "TEXTAREA", "NOSCRIPT", "TEMPLATE"]);
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      let hidden = false;
      for (let p = n.parentElement; p; p = p.parentElement) {
        if (skip.has(p.tagName)) { hidden = true; break; }
      }
      if (!hidden) out.push(n.textContent ?? "");
    }
    return out.join(" ");
  });
}

const CODE = /\b[A-Z]{2,}(?:_[A-Z0-9]+)+\b|\b[a-z]+_[a-z_]+\b|\b(?:PROOF|TRIALING|PENDING|COMPLETED|ACTIVE|PAST_DUE|EXPIRED|CANCELLED|MANUAL)\b/g;
// Five digits or more in a row that are not part of a reference, a date, a phone number or a link.
const UNGROUPED = /(?<![\w\-/+.:#@])(?!6\d{8}\b)\d{5,}(?![\w\-/@])/g;

async function check(page: Page, path: string, lang: "en" | "fr") {
  await page.goto(path);
  const text = await readable(page);
  const codes = [...new Set(text.match(CODE) ?? [])];
  expect.soft(codes, `${path} (${lang}) shows internal codes`).toEqual([]);
  const numbers = [...new Set(text.match(UNGROUPED) ?? [])];
  expect.soft(numbers, `${path} (${lang}) shows ungrouped numbers`).toEqual([]);
  expect.soft(text, `${path} (${lang}) says "1 …s"`).not.toMatch(/\b1 (orders|tickets|commandes)\b/);
  if (lang === "fr") expect.soft(text, `${path}: French writes $US after the amount`).not.toMatch(/\d\.\d\d USD/);
}

for (const lang of ["en", "fr"] as const) {
  test(`no internal code, ungrouped amount or wrong plural on member and admin pages (${lang})`, async ({ page, context, baseURL }) => {
    test.setTimeout(180_000);
    await context.addCookies([{ name: "lang", value: lang, url: baseURL! }]);
    await login(page, "awa@demo.tessera.cm", "demo-family-2026");
    // Signing in brings back the account's language: ask for the one under test again.
    await context.addCookies([{ name: "lang", value: lang, url: baseURL! }]);
    for (const path of MEMBER_PAGES) await check(page, path, lang);
    await page.goto(await payDetails(page, FAMILY_STEP2));
    await expect(page.locator("dl.facts")).toContainText(lang === "fr" ? "15 000 FCFA" : "15,000 FCFA");
    await check(page, page.url().replace(baseURL!, ""), lang);
    await page.goto("/tickets");
    const own = await page.locator('a[href^="/tickets/TKT-"]').first().getAttribute("href", { timeout: 2_000 }).catch(() => null);
    if (own) await check(page, own, lang);

    await context.clearCookies();
    await context.addCookies([{ name: "lang", value: lang, url: baseURL! }]);
    await login(page, "admin@demo.tessera.cm", "demo-admin-2026");
    await context.addCookies([{ name: "lang", value: lang, url: baseURL! }]);
    for (const path of ADMIN_PAGES) await check(page, path, lang);
    await page.goto("/admin/orders");
    const order = await page.locator('a[href^="/admin/orders/ORD-"]').first().getAttribute("href", { timeout: 2_000 }).catch(() => null);
    if (order) await check(page, order, lang);
    await page.goto("/admin/tickets");
    const ticket = await page.locator('a[href^="/admin/tickets/TKT-"]').first().getAttribute("href", { timeout: 2_000 }).catch(() => null);
    if (ticket) await check(page, ticket, lang);
    await page.goto("/admin/statements");
    const statement = await page.locator('table a[href^="/admin/statements/"]').first().getAttribute("href", { timeout: 2_000 }).catch(() => null);
    if (statement) await check(page, statement, lang);
  });
}
