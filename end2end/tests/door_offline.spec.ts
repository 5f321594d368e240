import { test, expect, Browser, Page } from "@playwright/test";
import { asUser, festivalOrder, festivalTickets, login } from "./helpers";

// The door as an installable web app that keeps working with no network: two phones download
// the festival's check-in list, go offline, scan (the same ticket on both), come back online;
// their queues drain, the ticket is checked in once, the later phone is shown the conflict,
// and the counters match the server's. The service worker and the phone's list live in
// script: this spec runs in the JavaScript project only.

const DOOR = "/checkin?event=festival-yaounde&gate=North+gate";

async function phone(browser: Browser, info: { project: { use: { baseURL?: string } } }): Promise<Page> {
  const context = await browser.newContext({ baseURL: info.project.use.baseURL, locale: "fr-FR", serviceWorkers: "allow" });
  const page = await context.newPage();
  await login(page, "door@demo.tessera.cm", "demo-door-2026");
  await page.goto(DOOR);
  // The page installs its service worker; once it is in charge, the page is loaded again so
  // that the worker keeps the page and its files.
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  await expect(page.locator("section.door-offline")).toBeVisible();
  await page.getByRole("button", { name: "Télécharger la liste d'entrée pour le hors-ligne" }).click();
  await expect(page.locator(".door-ready")).toContainText("Prêt hors ligne");
  return page;
}

async function scan(page: Page, code: string) {
  await page.getByLabel("Code ou lien du billet").fill(code);
  await page.getByRole("button", { name: "Valider l'entrée" }).click();
}

test("two phones scan offline, sync, and agree with the server", async ({ browser }, info) => {
  test.skip(info.project.name !== "js", "the service worker and the phone's list run in script");
  const [first, second] = await festivalTickets(browser, "Hors Ligne", 2);
  const refunded = await festivalOrder(browser, "Rembourse Guest");

  const a = await phone(browser, info);
  const b = await phone(browser, info);
  // An order is cancelled after the phones downloaded the list: its ticket turns VOID on the
  // phones at their next sync.
  const admin = await asUser(browser, "admin@demo.tessera.cm", "demo-admin-2026", true);
  await admin.goto(`/admin/orders/${refunded.reference}`);
  await admin.getByLabel("Reason for cancelling").fill("Guest cannot come");
  await admin.getByRole("button", { name: "Cancel the order" }).click();
  await expect(admin.getByText("Order cancelled.")).toBeVisible();
  for (const p of [a, b]) {
    await expect
      .poll(() => p.evaluate(() => JSON.parse(localStorage.getItem("tessera.door.list.festival-yaounde")!).tickets.some((t: { n: string; s: string }) => t.n === "Rembourse Guest" && t.s === "VOID")), { timeout: 15_000 })
      .toBe(true);
  }
  // Installable: the door page names its manifest, which the server serves with its icons.
  const manifest = await a.locator('link[rel="manifest"]').getAttribute("href");
  const app = await (await a.request.get(manifest!)).json();
  expect(app.start_url).toBe("/checkin");
  expect(app.icons.map((i: { sizes: string }) => i.sizes)).toEqual(["192x192", "512x512"]);

  // No network: the page still opens (from the service worker) and answers from the list.
  for (const p of [a, b]) {
    await p.context().setOffline(true);
    await p.reload();
    await expect(p.getByRole("heading", { name: "Contrôle d'entrée" })).toBeVisible();
    await expect(p.locator(".door-network")).toContainText("Pas de réseau");
  }
  await scan(a, first);
  await expect(a.locator(".verdict-word")).toHaveText("VALIDE");
  await expect(a.locator(".verdict-name")).toHaveText("Hors Ligne");
  await expect(a.locator(".verdict-offline")).toBeVisible();
  await expect(a.locator(".door-queue")).toHaveText("1");
  // Scanned again on the same phone: already checked in, offline.
  await scan(a, first);
  await expect(a.locator(".verdict-word")).toHaveText("DÉJÀ ENTRÉ");
  await expect(a.locator(".door-queue")).toHaveText("1");
  // The cancelled order's ticket is refused offline too.
  await scan(a, refunded.tickets[0]);
  await expect(a.locator(".verdict-word")).toHaveText("ANNULÉ");
  // An unknown code is refused offline too.
  await scan(a, "ZZZZ-ZZZZ");
  await expect(a.locator(".verdict-word")).toHaveText("INVALIDE");
  // The other phone, also offline, lets the same guest in, and the second ticket.
  await scan(b, first);
  await expect(b.locator(".verdict-word")).toHaveText("VALIDE");
  await scan(b, second);
  await expect(b.locator(".verdict-word")).toHaveText("VALIDE");
  await expect(b.locator(".door-queue")).toHaveText("2");

  // Back online, A first: its queue drains.
  await a.context().setOffline(false);
  await expect(a.locator(".door-queue")).toHaveText("0", { timeout: 15_000 });
  await expect(a.locator(".door-network")).toContainText("En ligne");
  // Then B: its scan of the first ticket is a conflict, shown with both times and phones.
  await b.context().setOffline(false);
  await expect(b.locator(".door-queue")).toHaveText("0", { timeout: 15_000 });
  const conflict = b.locator(".door-conflicts li");
  await expect(conflict).toHaveCount(1);
  await expect(conflict).toContainText("Hors Ligne");
  await expect(conflict).toContainText("Téléphone d'entrée");
  await expect(conflict).toContainText("North gate");

  // The server agrees: the first ticket once (by A), the second by B; every phone converges.
  const online = await (await browser.newContext({ baseURL: info.project.use.baseURL })).newPage();
  await login(online, "door@demo.tessera.cm", "demo-door-2026");
  await online.goto(DOOR);
  const total = (await online.locator(".door-total strong").textContent())!.trim();
  await expect(a.locator(".door-total strong")).toHaveText(total, { timeout: 10_000 });
  await expect(b.locator(".door-total strong")).toHaveText(total, { timeout: 10_000 });
  await scan(online, first);
  await expect(online.locator(".verdict-word")).toHaveText("DÉJÀ ENTRÉ");
  await expect(online.locator(".verdict")).toContainText("North gate");
  await scan(online, second);
  await expect(online.locator(".verdict-word")).toHaveText("DÉJÀ ENTRÉ");
  // A pulled B's check-in of the second ticket: offline again, A knows it.
  await a.context().setOffline(true);
  await scan(a, second);
  await expect(a.locator(".verdict-word")).toHaveText("DÉJÀ ENTRÉ");

  // The phones are listed at the door; revoking A signs it out and deletes its list.
  await a.context().setOffline(false);
  await online.goto(DOOR);
  const rows = online.locator("tbody tr", { hasText: "Téléphone d'entrée" });
  expect(await rows.count()).toBeGreaterThanOrEqual(2);
  const device: string = await a.evaluate(() => JSON.parse(localStorage.getItem("tessera.door.device")!));
  const row = online.locator("tbody tr", { hasText: `Téléphone d'entrée ${device.slice(0, 4).toUpperCase()}` });
  await row.getByRole("button", { name: "Révoquer" }).click();
  await expect(online.getByText("Le téléphone a été révoqué et déconnecté.")).toBeVisible();
  await expect(row).toContainText("Révoqué");
  // At its next sync the revoked phone finds itself signed out, and forgets the list.
  await expect(a.getByText("La liste d'entrée de ce téléphone a été effacée.")).toBeVisible({ timeout: 15_000 });
  await expect(a.locator(".door-ready")).toHaveCount(0);
  expect(await a.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("tessera.door.list")))).toEqual([]);
});
