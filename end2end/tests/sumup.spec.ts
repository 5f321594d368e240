import { test, expect } from "@playwright/test";
import { asUser, mailContaining } from "./helpers";

// Seed 004's flow, with the built-in sandbox playing SumUp: the organiser connects their
// account by OAuth, a buyer pays on SumUp's hosted page, comes back to "Processing your
// payment…", and sees the confirmation once the payment has been verified with SumUp.
test("an organiser connects SumUp; a buyer pays through it and sees the confirmation once verified", async ({ page, browser }, info) => {
  const js = info.project.name === "js";
  const admin = await asUser(browser, "admin@demo.tessera.cm", "demo-admin-2026", js);

  // Connect (after disconnecting what the other run connected).
  await admin.goto("/settings/sumup");
  await expect(admin.getByRole("heading", { name: "Card payments with SumUp" })).toBeVisible();
  const disconnect = admin.getByRole("button", { name: "Disconnect" });
  if (await disconnect.isVisible()) {
    await disconnect.click();
    await expect(admin.getByText("Your SumUp account is disconnected.")).toBeVisible();
  }
  await admin.getByRole("link", { name: /^(Connect|Reconnect) SumUp$/ }).click();
  await expect(admin.getByRole("heading", { name: "Allow Tessera to take payments?" })).toBeVisible();
  await admin.getByRole("button", { name: "Allow" }).click();
  await expect(admin).toHaveURL(/\/settings\/sumup\?connected=1/);
  await expect(admin.locator("[data-status=connected]")).toContainText("MSANDBOX");

  // A buyer orders a place and pays by card: the checkout is SumUp's hosted page.
  const email = `sumup-${info.project.name}-${Date.now()}@example.cm`;
  await page.goto("/events/festival-yaounde");
  await page.getByLabel("Places", { exact: true }).fill("1");
  await page.getByLabel("Full name").fill("Lionel Ewane");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Phone number").fill("677 21 43 65");
  await page.getByRole("button", { name: "Order and pay" }).click();
  await expect(page).toHaveURL(/\/orders\/ORD-\d{4}-\d{5}\?sig=/);
  const reference = page.url().match(/ORD-\d{4}-\d{5}/)![0];
  await page.getByRole("button", { name: "Pay by card" }).click();
  await expect(page).toHaveURL(/\/sandbox\/sumup\/pay\//);
  await expect(page.getByRole("heading", { name: "SumUp checkout (sandbox)" })).toBeVisible();
  await expect(page.getByText("5 000 FCFA")).toBeVisible();
  await page.getByRole("button", { name: "Pay", exact: true }).click();

  // Back on the order: processing, never paid on the strength of the redirect.
  await expect(page).toHaveURL(new RegExp(`/orders/${reference}\\?sig=.*card=1`));
  await expect(page.getByRole("heading", { name: "Processing your payment…" })).toBeVisible();
  await expect(page.getByText("Payment being checked").first()).toBeVisible();
  // The page refreshes itself (a meta refresh, JavaScript or not) until the outcome is known.
  await expect(page.locator('meta[http-equiv="refresh"]')).toHaveCount(1);

  // An admin runs a cycle now (the waiting buyer's payment may already have been checked).
  await admin.goto("/admin/verification");
  await expect(admin.getByRole("heading", { name: "Payment verification" })).toBeVisible();
  await admin.getByRole("button", { name: "Run a cycle now" }).click();
  await expect(admin.getByText("A cycle ran.")).toBeVisible();

  await expect(page.getByText("E-tickets issued").first()).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("link", { name: "E-ticket 1" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Processing your payment…" })).toHaveCount(0);
  await expect(page.locator('meta[http-equiv="refresh"]')).toHaveCount(0);
  // One e-mail confirms it, with the e-ticket attached.
  const mail = await mailContaining(reference, "/t/");
  expect(mail).toMatch(/\[attachment: e-ticket-ORD-\d{4}-\d{5}-1\.pdf\]/);
});
