import { test, expect } from "@playwright/test";
import { register, unique } from "./helpers";

// Paying from the phone with MTN MoMo, the demo's built-in sandbox playing MTN: the waiting page,
// the demo phone, the result, and a retry; with JavaScript on and off.

async function payFromPhone(page: import("@playwright/test").Page, number: string) {
  await page.goto("/billing/subscribe/family_manager");
  await page.getByLabel("Pay from my phone (MTN Mobile Money or Orange Money)").check();
  const field = page.getByLabel("Mobile Money number");
  await expect(field).toHaveValue("+237677123456");
  await field.fill(number);
  await page.getByRole("button", { name: "Continue" }).click();
}

test("a family pays from the phone: approve on the demo phone, the subscription is extended", async ({ page }) => {
  await register(page, unique("momo"));
  await payFromPhone(page, "6 77 12 34 56");
  await expect(page).toHaveURL(/\/pay\/phone\/PAY-\d{4}-\d{6}$/);
  await expect(page.getByRole("heading", { name: "Approve the payment on your phone" })).toBeVisible();
  await expect(page.getByText("dial *126# if no prompt appears")).toBeVisible();
  await expect(page.getByRole("timer")).toContainText(/[0-5]:\d\d/);
  await expect(page.getByText("+2376••••456").first()).toBeVisible();

  const phone = page.locator("#sandbox-phone");
  await expect(phone.getByText("Demo phone")).toBeVisible();
  await phone.getByRole("button", { name: "Approve the payment" }).click();

  // The callback and the poller settle it; the page shows the result by itself.
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator("#period-end")).toBeVisible();
  await expect(page.locator("#invoice-link")).toContainText(/INV-\d{4}-\d{6}/);
  await expect(page.locator("#sandbox-phone")).toHaveCount(0);

  await page.goto("/billing");
  await expect(page.locator("[data-status=ACTIVE]")).toHaveText("Active");
});

test("a declined payment says so and can be tried again from the page", async ({ page }) => {
  await register(page, unique("momo-declined"));
  await payFromPhone(page, "677123456");
  await expect(page).toHaveURL(/\/pay\/phone\/PAY-/);
  const first = page.url();
  await page.locator("#sandbox-phone").getByRole("button", { name: "Decline" }).click();
  await expect(page.getByRole("heading", { name: "The payment was not made" })).toBeVisible({ timeout: 20_000 });
  await expect(page.locator("#phone-reason")).toHaveText("The payment was declined on the phone.");

  // Try again: a new request, a new waiting page; this time not enough money.
  await page.getByRole("button", { name: "Try again" }).click();
  await expect(page).toHaveURL(/\/pay\/phone\/PAY-/);
  await expect(page).not.toHaveURL(first);
  await expect(page.getByRole("heading", { name: "Approve the payment on your phone" })).toBeVisible();
  await page.locator("#sandbox-phone").getByRole("button", { name: "Not enough money" }).click();
  await expect(page.locator("#phone-reason")).toHaveText(/not enough money on this Mobile Money account/, { timeout: 20_000 });

  await page.goto("/billing");
  await expect(page.locator("[data-status=TRIALING]")).toHaveText("Trial");
});

test("a number of no operator is refused in words and kept in the field", async ({ page }) => {
  await register(page, unique("momo-number"));
  await payFromPhone(page, "662 12 34 56");
  await expect(page.getByText(/This number is neither MTN nor Orange/)).toBeVisible();
  await expect(page.getByLabel("Mobile Money number")).toHaveValue("662 12 34 56");
  await expect(page).toHaveURL(/\/billing\/subscribe\/family_manager/);
});

test("an Orange Money number goes through Orange's page and back to the result", async ({ page }) => {
  await register(page, unique("orange"));
  await payFromPhone(page, "699 12 34 56");
  // Orange's payment page (the sandbox plays it in the demo).
  await expect(page).toHaveURL(/\/sandbox\/orange\/pay\/sbx-pt-/);
  await expect(page.getByRole("heading", { name: "Orange Money payment" })).toBeVisible();
  await expect(page.locator("#orange-amount")).toHaveText(/15,000/);
  await page.getByRole("button", { name: "Confirm the payment" }).click();
  await expect(page).toHaveURL(/\/pay\/phone\/PAY-\d{4}-\d{6}$/);
  await expect(page.getByRole("heading", { name: "Payment received" })).toBeVisible({ timeout: 20_000 });
  await page.goto("/billing");
  await expect(page.locator("[data-status=ACTIVE]")).toHaveText("Active");
});

test("the payment wizard offers paying from the phone instead of a screenshot", async ({ page }) => {
  await register(page, unique("momo-wizard"));
  await page.goto("/pay?step=2&plan_type=FAMILY_MANAGER&duration_days=30");
  await page.getByRole("link", { name: "Pay from my phone instead" }).click();
  await expect(page).toHaveURL(/\/billing\/subscribe\/family_manager\?duration_days=30&pay_with=phone/);
  await expect(page.getByLabel("Pay from my phone (MTN Mobile Money or Orange Money)")).toBeChecked();
  await page.getByLabel("Mobile Money number").fill("677123456");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/pay\/phone\/PAY-\d{4}-\d{6}$/);
  await expect(page.getByRole("heading", { name: "Approve the payment on your phone" })).toBeVisible();
});
