import { test, expect } from "@playwright/test";
import { asUser } from "./helpers";

// An organiser keeps their own operator account on /settings/mobile-money: saved, checked
// against the operator (here the demo's built-in sandbox), refused in words when the operator
// refuses, checked again, and removed. JavaScript on and off; each run uses its own operator so
// the two runs never touch one account.
test("an organiser saves, checks and removes their own operator account", async ({ browser }, info) => {
  const js = info.project.name === "js";
  const admin = await asUser(browser, "admin@demo.tessera.cm", "demo-admin-2026", js);
  const [provider, idLabel, key1, key2] = js
    ? ["mtn_momo", "API user", "API key", "Subscription key (Ocp-Apim-Subscription-Key)"]
    : ["orange_money", "Client ID", "Client secret", "Merchant key"];

  await admin.goto("/admin");
  await admin.getByRole("link", { name: "Mobile money accounts" }).first().click();
  await expect(admin).toHaveURL(/\/settings\/mobile-money/);
  await expect(admin.getByRole("heading", { name: "Paying from the phone: your operator accounts" })).toBeVisible();
  const card = admin.locator(`#phone-${provider}`);
  // What an earlier run left is removed first.
  if (await card.getByText("Remove this account").isVisible()) {
    await card.getByText("Remove this account").click();
    await card.getByRole("button", { name: "Remove the account" }).click();
    await expect(admin.getByText("The account was removed.")).toBeVisible();
  }
  await expect(card.locator("[data-status=none]")).toBeVisible();

  // A key the operator refuses: saved, checked at once, and said in words.
  await expect(card.getByLabel("Where payments go")).toHaveValue("builtin");
  await card.getByLabel(idLabel, { exact: true }).fill("tessera-sandbox");
  await card.getByLabel(key1, { exact: true }).fill("not-the-key");
  await card.getByLabel(key2, { exact: true }).fill("sandbox");
  await card.getByRole("button", { name: "Save and check connection" }).click();
  await expect(admin).toHaveURL(new RegExp(`saved=${provider}`));
  await expect(card.locator("[data-status=refused]")).toContainText("The operator refused these credentials");

  // A credential with a space is refused in words, what was typed kept.
  await card.getByLabel(idLabel, { exact: true }).fill("tessera sandbox");
  await card.getByLabel(key1, { exact: true }).fill("sandbox");
  await card.getByRole("button", { name: "Save and check connection" }).click();
  await expect(card.getByText("A credential has no spaces and at most 200 characters.")).toBeVisible();
  await expect(card.getByLabel(idLabel, { exact: true })).toHaveValue("tessera sandbox");

  // The right key; the other secret left blank keeps the stored one. The connection works.
  await card.getByLabel(idLabel, { exact: true }).fill("tessera-sandbox");
  await card.getByLabel(key1, { exact: true }).fill("sandbox");
  await card.getByRole("button", { name: "Save and check connection" }).click();
  await expect(card.locator("[data-status=working]")).toContainText("Connection works");
  await expect(card.locator("[data-status=working]")).toContainText("Built-in sandbox");
  await expect(card.getByLabel(key1, { exact: true })).toHaveValue("");

  await card.getByRole("button", { name: "Check connection", exact: true }).click();
  await expect(admin.getByText("The connection was checked again")).toBeVisible();
  await expect(card.locator("[data-status=working]")).toBeVisible();

  await card.getByText("Remove this account").click();
  await card.getByRole("button", { name: "Remove the account" }).click();
  await expect(admin.getByText("The account was removed.")).toBeVisible();
  await expect(card.locator("[data-status=none]")).toBeVisible();
});
