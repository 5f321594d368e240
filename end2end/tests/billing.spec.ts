import { test, expect } from "@playwright/test";
import { login, register, unique } from "./helpers";

test("a family is offered the family plans, not the business ones", async ({ page }) => {
  await register(page, unique("famplans"));
  await page.goto("/billing");
  await expect(page.locator('article[data-plan="FAMILY_MANAGER"]')).toBeVisible();
  await expect(page.locator('article[data-plan="STARTER"]')).toHaveCount(0);
  await expect(page.getByText("workspaces")).toHaveCount(0);
});

test("a trial organisation sees its countdown, pays by card in the sandbox and reads its invoice", async ({ page }) => {
  await register(page, unique("billing"), "organisation");
  await page.goto("/billing");
  await expect(page.getByText("Trial: 14 days left")).toBeVisible();
  await expect(page.getByRole("progressbar", { name: "Trial days used" })).toBeVisible();
  await page.locator('article[data-plan="STARTER"]').getByRole("link", { name: "Choose this plan" }).click();
  await expect(page).toHaveURL(/\/billing\/subscribe\/starter$/);
  await expect(page.getByLabel("Card", { exact: true })).toBeChecked();
  await page.getByRole("button", { name: "Continue" }).click();

  // The sandbox stands where the gateway's page would: no card field anywhere.
  await expect(page).toHaveURL(/\/billing\/sandbox\/PAY-\d{4}-\d{6}$/);
  await expect(page.getByText("$29.00")).toBeVisible();
  await expect(page.locator("input[autocomplete^=cc]")).toHaveCount(0);
  await page.getByRole("button", { name: "Pay successfully" }).click();

  await expect(page).toHaveURL(/\/billing\/payment\/success\?ref=PAY-/);
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible();
  const invoice = page.locator("#invoice-link");
  await expect(invoice).toHaveText(/INV-\d{4}-\d{6}/);
  const number = (await invoice.textContent())!;
  await invoice.click();
  await expect(page.getByRole("heading", { name: `Invoice ${number}` })).toBeVisible();
  await expect(page.getByText("Famille Ndiaye")).toBeVisible();

  await page.goto("/billing");
  await expect(page.locator("[data-status=ACTIVE]")).toHaveText("Active");
  await expect(page.locator("#invoices").getByRole("link", { name: number })).toBeVisible();
});

test("a declined card ends on the fail page and the trial is unchanged", async ({ page }) => {
  await register(page, unique("declined"), "organisation");
  await page.goto("/billing/subscribe/team");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/billing\/sandbox\/PAY-/);
  await page.getByRole("button", { name: "Decline the payment" }).click();
  await expect(page).toHaveURL(/\/billing\/payment\/fail\?ref=PAY-/);
  await expect(page.getByRole("heading", { name: "The payment did not go through" })).toBeVisible();
  await page.goto("/billing");
  await expect(page.locator("[data-status=TRIALING]")).toHaveText("Trial");
  await expect(page.getByText("Trial: 14 days left")).toBeVisible();
  await expect(page.locator("#payments")).toContainText("Failed");
});

test("an admin reads the payments ledger with its chart and exports it", async ({ page }) => {
  await login(page, "admin@demo.tessera.cm", "demo-admin-2026");
  await page.goto("/admin/payments?group=week");
  await expect(page.getByRole("heading", { name: "Payments ledger" })).toBeVisible();
  await expect(page.locator("svg.chart")).toBeVisible();
  await page.getByLabel("Status").selectOption("COMPLETED");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/status=COMPLETED/);
  const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  expect(href).toContain("status=COMPLETED");
});
