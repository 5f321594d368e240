import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { login } from "./helpers";

// Every page of the public contract, read by axe-core on a desktop and on a 390 px phone, with
// JavaScript on and off (the two projects): no serious or critical finding, and on the phone
// nothing wider than the screen.

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

const PUBLIC = ["/", "/login", "/register", "/forgot", "/events", "/events/festival-yaounde", "/events/villa-kribi"];
const MEMBER = ["/account", "/family", "/pay", "/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30", "/tickets", "/billing", "/billing/subscribe/FAMILY_MANAGER", "/billing/payment/success", "/billing/payment/fail"];
const ADMIN_LISTS = ["/admin", "/admin/tickets", "/admin/stats", "/admin/orders", "/admin/payments", "/admin/refunds", "/admin/commissions", "/admin/verification"];
const ADMIN_SETTINGS = [
  "/admin/subscriptions", "/admin/events", "/admin/events?edit=festival-yaounde", "/admin/pay-accounts", "/admin/statements", "/checkin", "/settings/mobile-money",
];

// axe is a script: with JavaScript off it reads the page in a second tab of a context where
// scripts run but the app's own bundle is refused, so what it reads is the page as served.
async function audit(page: Page, path: string, phone: boolean, found: string[], noJs: Page | null) {
  await page.goto(path);
  // With the app's bundle off nothing loads after the load event (which goto waits for); with
  // it on, the islands hydrate before axe reads the page.
  if (!noJs) await page.waitForLoadState("networkidle");
  let target = page;
  if (noJs) {
    await noJs.context().addCookies(await page.context().cookies());
    await noJs.goto(path);
    target = noJs;
  }
  const result = await new AxeBuilder({ page: target }).analyze();
  for (const v of result.violations) {
    if (v.impact === "serious" || v.impact === "critical") {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ");
      found.push(`${path}${phone ? " (phone)" : ""}: ${v.id} (${v.impact}) at ${where}`);
    }
  }
  if (phone) {
    const width = await target.evaluate(() => document.documentElement.scrollWidth);
    if (width > PHONE.width) found.push(`${path}: ${width}px wide on a ${PHONE.width}px phone`);
  }
}

// The first link on the page open now whose address starts with the prefix, if there is one.
function linkHere(page: Page, prefix: string): Promise<string | null> {
  return page.locator(`a[href^="${prefix}"]`).first().getAttribute("href", { timeout: 2_000 }).catch(() => null);
}

// The detail pages reached from the lists: a ticket, an order, an e-ticket.
async function firstLink(page: Page, list: string, prefix: string): Promise<string | null> {
  await page.goto(list);
  return linkHere(page, prefix);
}

// The pages come in groups, each its own test, and the groups of this file run side by side on
// the free workers: read one after the other, the whole list took a worker about 3.3 minutes
// with JavaScript off (each page is loaded and left to settle twice) and was the suite's tail.
test.describe.configure({ mode: "parallel" });

type Group = { name: string; as: [string, string] | null; pages: (page: Page) => Promise<string[]> };

const ADMIN_LOGIN: [string, string] = ["admin@demo.tessera.cm", "demo-admin-2026"];
const GROUPS: Group[] = [
  { name: "public pages", as: null, pages: async () => PUBLIC },
  {
    name: "member pages",
    as: ["awa@demo.tessera.cm", "demo-family-2026"],
    pages: async (page) => {
      const own = await firstLink(page, "/tickets", "/tickets/TKT-");
      return own ? [...MEMBER, own] : MEMBER;
    },
  },
  { name: "admin lists", as: ADMIN_LOGIN, pages: async () => ADMIN_LISTS },
  { name: "admin settings", as: ADMIN_LOGIN, pages: async () => ADMIN_SETTINGS },
  {
    name: "admin detail pages",
    as: ADMIN_LOGIN,
    pages: async (page) => {
      const found: string[] = [];
      for (const [list, prefix] of [["/admin/tickets", "/admin/tickets/TKT-"], ["/admin/orders", "/admin/orders/ORD-"]]) {
        const detail = await firstLink(page, list, prefix);
        if (detail) found.push(detail);
      }
      // A statement review with lines: the demo's sample statement, imported as an admin would.
      const sample = await page.request.get("/admin/statements/sample/MTN_MOMO.csv");
      await page.goto("/admin/statements");
      await page.getByLabel("Statement file").setInputFiles({ name: "mtn-sample.csv", mimeType: "text/csv", buffer: await sample.body() });
      await page.getByRole("button", { name: "Import the statement" }).click();
      await expect(page).toHaveURL(/\/admin\/statements\/[0-9a-f-]{36}/);
      found.push(new URL(page.url()).pathname);
      // The order's e-ticket and the buyer's own view of the order.
      const order = found.find((p) => p.startsWith("/admin/orders/ORD-"));
      if (order) {
        await page.goto(order);
        for (const prefix of ["/t/", "/orders/ORD-"]) {
          const path = await linkHere(page, prefix);
          if (path) found.push(path);
        }
      }
      return found;
    },
  },
];

for (const [name, viewport] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
  test.describe(`axe on ${name}`, () => {
    test.use({ viewport });

    for (const group of GROUPS) {
      test(`no serious or critical accessibility finding on the ${group.name} (${name})`, async ({ page, browser, javaScriptEnabled }) => {
        test.setTimeout(180_000);
        const found: string[] = [];
        let noJs: Page | null = null;
        if (!javaScriptEnabled) {
          const reader = await browser.newContext({ javaScriptEnabled: true, viewport, locale: "en-US" });
          await reader.route(/\/pkg\/[^?]+\.(wasm|js)(\?|$)/, (route) => route.abort());
          noJs = await reader.newPage();
        }
        if (group.as) await login(page, group.as[0], group.as[1]);
        for (const path of await group.pages(page)) await audit(page, path, name === "phone", found, noJs);
        expect(found, found.join("\n")).toEqual([]);
      });
    }
  });
}
