import { test, expect } from "@playwright/test";
import { login, payDetails, pdf, png } from "./helpers";

test("a family pays by mobile money in three steps and an admin approves", async ({ page }) => {
  const txid = `MTN${Date.now()}`;
  await login(page, "paul@demo.tessera.cm", "demo-member-2026");
  await page.goto("/pay");
  // Each plan offers its own durations, each with its price beside it.
  const family = page.getByRole("group", { name: "Gestionnaire Famille" });
  await expect(family.getByText("15 000 FCFA")).toBeVisible();
  await family.getByLabel("30 jours").check();
  // Business plans in dollars are paid by card on /billing, not by mobile money.
  await expect(page.getByText("Starter")).toHaveCount(0);
  await page.getByRole("button", { name: "Continuer" }).click();

  await expect(page.getByLabel("Montant payé")).toHaveValue("15000");
  await page.getByLabel("Montant payé").fill("100");
  await page.getByLabel("Numéro utilisé").fill("677 12 34 56");
  await page.getByLabel("Identifiant de transaction").fill(txid);
  await page.getByRole("button", { name: "Continuer" }).click();
  // The server refuses the amount and keeps what was typed.
  await expect(page.getByText("Ce montant est inférieur au minimum de la formule choisie.")).toBeVisible();
  await expect(page.getByLabel("Identifiant de transaction")).toHaveValue(txid);
  await page.getByLabel("Montant payé").fill("15000");
  await page.getByRole("button", { name: "Continuer" }).click();
  // The summary shows the number and the transaction id; the address carries neither.
  await expect(page.locator("dl.facts")).toContainText(txid);
  expect(page.url()).not.toContain(txid);
  expect(page.url()).not.toContain("677");

  // With JavaScript, let the page finish hydrating so the preview handler is there.
  if (test.info().project.name === "js") await page.waitForLoadState("networkidle");
  await page.getByLabel("Capture d'écran ou PDF du paiement").setInputFiles({ name: "capture.png", mimeType: "image/png", buffer: png() });
  if (test.info().project.name === "js") {
    await expect(page.getByAltText("Aperçu de la preuve")).toBeVisible();
  }
  await page.getByRole("button", { name: "Envoyer le ticket de paiement" }).click();
  await expect(page).toHaveURL(/\/tickets\/TKT-\d{4}-\d{5}\?submitted=1/);
  await expect(page.getByText("Votre ticket de paiement a été envoyé.")).toBeVisible();
  const reference = page.url().match(/TKT-\d{4}-\d{5}/)![0];
  await page.getByRole("button", { name: /Se déconnecter/ }).click();

  await login(page, "admin@demo.tessera.cm", "demo-admin-2026");
  await page.goto(`/admin/tickets?tab=pending&q=${txid}`);
  await page.getByRole("link", { name: reference }).click();
  await expect(page.getByRole("img", { name: "Proof" })).toBeVisible();
  await page.getByLabel("Admin notes").first().fill("Checked with MTN");
  await page.getByRole("button", { name: "Approve and extend" }).click();
  await expect(page.getByText("Ticket approved: the subscription was extended.")).toBeVisible();
  await expect(page.getByRole("heading", { name: new RegExp(reference) })).toContainText("Approved");
  await page.getByRole("button", { name: /Log out/ }).click();

  // The family sees it approved, with the new end of its subscription.
  await login(page, "paul@demo.tessera.cm", "demo-member-2026");
  await page.goto(`/tickets/${reference}`);
  await expect(page.getByText("Approuvé").first()).toBeVisible();
  await expect(page.getByText("Abonnement valable jusqu'au")).toBeVisible();
});

test("an admin sees the statistics with a chart", async ({ page }) => {
  await login(page, "admin@demo.tessera.cm", "demo-admin-2026");
  await page.goto("/admin/stats");
  await expect(page.getByRole("heading", { name: "Statistics" })).toBeVisible();
  await expect(page.locator("svg.chart")).toBeVisible();
});

test("a rejected ticket tells the family why, and another family's ticket is refused", async ({ page, browser }) => {
  const txid = `OM${Date.now()}`;
  await login(page, "awa@demo.tessera.cm", "demo-family-2026");
  await page.goto(await payDetails(page, {
    plan_type: "INDIVIDUAL_STUDENT", duration_days: "30", amount: "5000", payment_method: "ORANGE_MONEY",
    phone_number: "699000000", transaction_id: txid, user_notes: "",
  }));
  await page.getByLabel("Capture d'écran ou PDF du paiement").setInputFiles({ name: "recu.png", mimeType: "image/png", buffer: png() });
  await page.getByRole("button", { name: "Envoyer le ticket de paiement" }).click();
  await expect(page).toHaveURL(/\/tickets\/TKT-/);
  const url = new URL(page.url());
  const reference = url.pathname.split("/").pop()!;
  await page.getByRole("button", { name: /Se déconnecter/ }).click();

  await login(page, "admin@demo.tessera.cm", "demo-admin-2026");
  await page.goto(`/admin/tickets/${reference}`);
  await page.getByRole("button", { name: "Reject" }).click();
  if (test.info().project.name === "js") {
    // The browser asks for the reason before sending.
    await expect(page.getByLabel("Reason for rejection")).toBeFocused();
  }
  await page.getByLabel("Reason for rejection").fill("Transaction introuvable chez Orange");
  await page.getByRole("button", { name: "Reject" }).click();
  await expect(page.getByText("Ticket rejected: the family was told why.")).toBeVisible();
  await page.getByRole("button", { name: /Log out/ }).click();

  await login(page, "awa@demo.tessera.cm", "demo-family-2026");
  await page.goto(`/tickets/${reference}`);
  await expect(page.getByText("Rejeté").first()).toBeVisible();
  await expect(page.getByText("Transaction introuvable chez Orange").first()).toBeVisible();

  // Someone of another family opening the same address learns nothing.
  const context = await browser.newContext({ baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000", javaScriptEnabled: test.info().project.name === "js" });
  const other = await context.newPage();
  await other.goto("/register");
  await other.getByLabel("Full name").fill("Eve Intruse");
  await other.getByLabel("E-mail address").fill(`eve-${Date.now()}@example.cm`);
  await other.getByLabel("Phone number").fill("+237 677 00 00 99");
  await other.getByLabel("Password").fill("correct horse battery");
  await other.getByLabel("Family name").fill("Famille Intruse");
  await other.getByRole("button", { name: "Create my account" }).click();
  await expect(other).toHaveURL(/\/family/);
  const res = await other.goto(`/tickets/${reference}`);
  expect(res?.status()).toBe(404);
  await expect(other.getByText("Transaction introuvable")).toHaveCount(0);
  const proof = await other.goto(`/tickets/${reference}/proof`);
  expect(proof?.status()).toBe(404);
  await context.close();
});

test("a PDF proof shows to the admin in Chromium's viewer and still cannot run in Tessera's origin", async ({ page }) => {
  const txid = `OMPDF${Date.now()}`;
  await login(page, "awa@demo.tessera.cm", "demo-family-2026");
  await page.goto(await payDetails(page, {
    plan_type: "INDIVIDUAL_STUDENT", duration_days: "30", amount: "5000", payment_method: "ORANGE_MONEY",
    phone_number: "699000000", transaction_id: txid, user_notes: "",
  }));
  if (test.info().project.name === "js") await page.waitForLoadState("networkidle");
  await page.getByLabel("Capture d'écran ou PDF du paiement").setInputFiles({ name: "recu.pdf", mimeType: "application/pdf", buffer: pdf() });
  await page.getByRole("button", { name: "Envoyer le ticket de paiement" }).click();
  await expect(page).toHaveURL(/\/tickets\/TKT-/);
  const reference = new URL(page.url()).pathname.split("/").pop()!;
  await page.getByRole("button", { name: /Se déconnecter/ }).click();

  await login(page, "admin@demo.tessera.cm", "demo-admin-2026");
  const proof = page.waitForResponse((r) => r.url().endsWith(`/tickets/${reference}/proof`));
  await page.goto(`/admin/tickets/${reference}`);
  const res = await proof;
  expect(res.status()).toBe(200);
  const headers = await res.allHeaders();
  expect(headers["content-type"]).toBe("application/pdf");
  // The sandbox stays: nothing in the file may run as Tessera.
  expect(headers["content-security-policy"]).toContain("sandbox");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  // Chromium hands the proof to its PDF viewer inside the page (not a blank box, not a download).
  const embed = page.locator("object.proof");
  await expect(embed).toBeVisible();
  const box = await embed.boundingBox();
  expect(box!.height).toBeGreaterThan(200);
  await expect.poll(() => page.frames().some((f) => f.url().startsWith("chrome-extension://")), { timeout: 10_000 }).toBe(true);
  // The link beside it opens the same file.
  await expect(page.getByRole("link", { name: "Open the PDF" })).toHaveAttribute("href", `/tickets/${reference}/proof`);
});
