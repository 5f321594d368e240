import { test, expect, Page } from "@playwright/test";
import { deflateSync } from "node:zlib";

// A real 2×2 PNG made here, so the test needs no fixture file.
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

async function login(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel(/E-mail address|Adresse e-mail/).fill(email);
  await page.getByLabel(/^(Password|Mot de passe)$/).fill(password);
  await page.getByRole("button", { name: /Log in|Se connecter/ }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

test("a family pays by mobile money in three steps and an admin approves", async ({ page }) => {
  const txid = `MTN${Date.now()}`;
  await login(page, "paul@demo.tessera.cm", "demo-member-2026");
  await page.goto("/pay");
  await page.getByLabel(/Gestionnaire Famille/).check();
  await page.getByLabel("Durée").selectOption("30");
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
  await page.goto(`/pay?step=3&plan_type=INDIVIDUAL_STUDENT&duration_days=30&amount=5000&payment_method=ORANGE_MONEY&phone_number=699000000&transaction_id=${txid}`);
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
