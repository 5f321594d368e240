import { test, expect } from "@playwright/test";
import { register, unique } from "./helpers";

test("register, add a family member, log out and log in again", async ({ page }) => {
  const email = unique("awa");
  await register(page, email);
  await expect(page.getByRole("heading", { name: /My family — Famille Ndiaye/ })).toBeVisible();

  await page.getByLabel("Full name").fill("Paul Ndiaye");
  await page.getByLabel("E-mail address").fill(unique("paul"));
  await page.getByLabel("Phone number").fill("699 00 01 11");
  await page.getByRole("button", { name: "Add the member" }).click();
  await expect(page.getByText("Paul Ndiaye")).toBeVisible();

  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("link", { name: "Log in" }).first()).toBeVisible();

  await page.goto("/login");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/family/);
  await expect(page.getByText("Paul Ndiaye")).toBeVisible();
});

test("a refused registration shows the message next to the field and keeps what was typed", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Full name").fill("Awa Ndiaye");
  await page.getByLabel("E-mail address").fill("not-an-email");
  await page.getByLabel("Phone number").fill("677123456");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByLabel("Family name").fill("Famille Ndiaye");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page.getByText("This e-mail address is not valid.")).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Awa Ndiaye");
  await expect(page.getByLabel("Phone number")).toHaveValue("677123456");
});

test("a wrong password is refused with a clear message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill("awa@demo.tessera.cm");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText("E-mail or password is not correct.")).toBeVisible();
  await expect(page.getByLabel("E-mail address")).toHaveValue("awa@demo.tessera.cm");
});

test("the language can be switched on any page and is remembered", async ({ page }) => {
  await page.goto("/login");
  await expect(page.getByRole("heading", { name: "Log in" })).toBeVisible();
  await page.getByLabel("Language").selectOption("fr");
  await page.getByRole("button", { name: "Change" }).click();
  await expect(page.getByRole("heading", { name: "Connexion" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/register");
  await expect(page.getByRole("heading", { name: "Créer votre compte" })).toBeVisible();
  await page.getByLabel("Langue").selectOption("en");
  await page.getByRole("button", { name: "Changer" }).click();
  await expect(page.getByRole("heading", { name: "Create your account" })).toBeVisible();
});

test.describe("with a French browser", () => {
  test.use({ locale: "fr-FR" });
  test("pages are in French", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "Bienvenue sur Tessera" })).toBeVisible();
    await page.goto("/login");
    await expect(page.getByLabel("Mot de passe")).toBeVisible();
  });
});

test("an admin reaches /admin and a member does not", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail address").fill("awa@demo.tessera.cm");
  await page.getByLabel("Password").fill("demo-family-2026");
  await page.getByRole("button", { name: /Log in|Se connecter/ }).click();
  await expect(page).toHaveURL(/\/family/);
  // Awa's saved language is French: the page after login follows it.
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("heading", { name: /Ma famille/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /Administration/ })).toHaveCount(0);
  const res = await page.goto("/admin");
  expect(res?.status()).toBe(403);
  await expect(page.getByText(/You do not have access to this page.|Vous n'avez pas accès à cette page./)).toBeVisible();
  await page.getByRole("button", { name: /Log out|Se déconnecter/ }).click();

  await page.goto("/login");
  await page.getByLabel(/E-mail address|Adresse e-mail/).fill("admin@demo.tessera.cm");
  await page.getByLabel(/^(Password|Mot de passe)$/).fill("demo-admin-2026");
  await page.getByRole("button", { name: /Log in|Se connecter/ }).click();
  await expect(page).toHaveURL(/\/admin/);
  await expect(page.getByRole("heading", { name: "Administration" })).toBeVisible();
  // The ten newest accounts are listed (other specs add accounts, so which ones varies).
  await expect(page.getByRole("heading", { name: "Newest accounts" })).toBeVisible();
  await expect(page.locator("table tbody tr")).not.toHaveCount(0);
});
