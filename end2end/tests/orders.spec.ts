import { test, expect } from "@playwright/test";
import { asUser, mailContaining, png } from "./helpers";

function day(offset: number): string {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
}

test("buy two places, pay by proof, admin approves, open both e-tickets, check one in twice", async ({ page, browser }, info) => {
  const js = info.project.name === "js";
  const email = `guest-${info.project.name}-${Date.now()}@example.cm`;
  await page.goto("/events");
  await page.getByRole("link", { name: "Festival des Arts de Yaoundé" }).click();
  await expect(page).toHaveURL(/\/events\/festival-yaounde/);
  // Zero places is refused with a reason, and what was typed stays.
  await page.getByLabel("Places", { exact: true }).fill("0");
  await page.getByLabel("Full name").fill("Nadia Fotso");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Phone number").fill("677 55 44 33");
  await page.getByRole("button", { name: "Order and pay" }).click();
  await expect(page.getByText("Order at least one.")).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Nadia Fotso");
  await page.getByLabel("Places", { exact: true }).fill("2");
  await page.getByRole("button", { name: "Order and pay" }).click();
  await expect(page).toHaveURL(/\/orders\/ORD-\d{4}-\d{5}\?sig=[0-9a-f]{64}/);
  const orderUrl = page.url();
  const reference = orderUrl.match(/ORD-\d{4}-\d{5}/)![0];
  await expect(page.getByText("Awaiting payment")).toBeVisible();

  await page.getByLabel("Phone number used").fill("677 55 44 33");
  await page.getByLabel("Transaction id").fill(`MP${Date.now()}`);
  await page.getByLabel("Screenshot or PDF of the payment").setInputFiles({ name: "recu.png", mimeType: "image/png", buffer: png() });
  await page.getByRole("button", { name: "Send the proof" }).click();
  await expect(page.getByText("Proof received: an administrator will check it shortly.")).toBeVisible();
  await expect(page.getByText("Payment being checked")).toBeVisible();

  const admin = await asUser(browser, "admin@demo.tessera.cm", "demo-admin-2026", js);
  await admin.goto(`/admin/orders/${reference}`);
  await expect(admin.getByRole("img", { name: "Proof", exact: true })).toBeVisible();
  await admin.getByRole("button", { name: "Proof checked: mark paid" }).click();
  await expect(admin.getByText("Order marked paid.")).toBeVisible();
  await expect(admin.getByText("E-tickets issued").first()).toBeVisible();

  await page.goto(orderUrl);
  const links = page.getByRole("link", { name: /^E-ticket \d$/ });
  await expect(links).toHaveCount(2);
  const urls = [await links.nth(0).getAttribute("href"), await links.nth(1).getAttribute("href")];
  const codes: string[] = [];
  for (const [i, url] of urls.entries()) {
    await page.goto(new URL(url!).pathname);
    await expect(page.getByRole("heading", { name: "Festival des Arts de Yaoundé" })).toBeVisible();
    await expect(page.getByText("Nadia Fotso")).toBeVisible();
    await expect(page.getByRole("img", { name: "QR code of this e-ticket" })).toBeVisible();
    // Under the QR code, the short code the door can type.
    await expect(page.locator("figcaption")).toContainText("Door code");
    const code = (await page.locator(".door-code").textContent())!.trim();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    codes.push(code);
    await expect(page.getByText(`${i + 1} / 2`)).toBeVisible();
    await expect(page.getByRole("link", { name: "Download the PDF" })).toBeVisible();
  }
  // The e-mail carries the same two links.
  const mail = await mailContaining(reference, "/t/");
  for (const url of urls) expect(mail).toContain(new URL(url!).pathname);

  // Door staff land on the door when they sign in.
  const door = await asUser(browser, "door@demo.tessera.cm", "demo-door-2026", js);
  await expect(door).toHaveURL(/\/checkin/);
  const field = door.getByLabel("Code ou lien du billet");
  for (const expected of ["VALIDE", "DÉJÀ ENTRÉ"]) {
    await door.goto("/checkin");
    await field.fill(urls[0]!);
    await door.getByRole("button", { name: "Valider l'entrée" }).click();
    await expect(door.locator(".verdict-word")).toHaveText(expected);
    await expect(door.locator(".verdict-name")).toHaveText("Nadia Fotso");
    // The field is empty for the next guest.
    await expect(field).toHaveValue("");
  }
  await expect(door.getByText(/Première entrée/)).toBeVisible();
  // The second ticket by its door code, typed in lower case with a space.
  await field.fill(codes[1].toLowerCase().replace("-", " "));
  await door.getByRole("button", { name: "Valider l'entrée" }).click();
  await expect(door.locator(".verdict-word")).toHaveText("VALIDE");
  await expect(door.locator(".verdict .door-code")).toHaveText(codes[1]);
  // INVALID says why.
  await field.fill("bonjour");
  await door.getByRole("button", { name: "Valider l'entrée" }).click();
  await expect(door.locator(".verdict-word")).toHaveText("INVALIDE");
  await expect(door.locator(".verdict-reason")).toContainText("ni le QR code d'un billet ni son code d'entrée");
});

test("a stay is confirmed by its owner through the e-mailed link", async ({ page, browser }, info) => {
  const js = info.project.name === "js";
  const start = js ? 60 : 70;
  await page.goto("/events/villa-kribi");
  await page.getByLabel("Arrival").fill(day(start));
  await page.getByLabel("Departure").fill(day(start + 2));
  await page.getByLabel("Guests").fill("3");
  await page.getByLabel("Full name").fill("Marc Essomba");
  await page.getByLabel("E-mail address").fill(`marc-${info.project.name}-${Date.now()}@example.cm`);
  await page.getByLabel("Phone number").fill("699 11 22 33");
  await page.getByRole("button", { name: "Order and pay" }).click();
  await expect(page).toHaveURL(/\/orders\/ORD-/);
  const orderUrl = page.url();
  const reference = orderUrl.match(/ORD-\d{4}-\d{5}/)![0];
  await expect(page.getByText("90,000 FCFA").first()).toBeVisible();

  const admin = await asUser(browser, "admin@demo.tessera.cm", "demo-admin-2026", js);
  await admin.goto(`/admin/orders/${reference}`);
  await admin.getByText("Paid in cash", { exact: true }).click();
  await admin.getByRole("button", { name: "Yes, paid in cash" }).click();
  await expect(admin.getByText("Order marked paid.")).toBeVisible();

  const mail = await mailContaining(reference, "/owner/");
  const confirm = mail.match(/Confirmer : \S*(\/owner\/\S+)/)![1];
  const owner = await browser.newContext({ javaScriptEnabled: js, locale: "fr-FR" });
  const ownerPage = await owner.newPage();
  await ownerPage.goto(confirm);
  await expect(ownerPage.getByText(reference)).toBeVisible();
  await ownerPage.getByRole("button", { name: "Confirmer la réservation" }).click();
  await expect(ownerPage.getByText("Réservation confirmée. Le voyageur a reçu son e-billet.")).toBeVisible();
  // The link works once.
  await ownerPage.goto(confirm);
  await expect(ownerPage.getByText("Ce lien a déjà été utilisé ; rien n'a été modifié.")).toBeVisible();

  await page.goto(orderUrl);
  await expect(page.getByText("E-tickets issued").first()).toBeVisible();
  await expect(page.getByRole("link", { name: "E-ticket 1" })).toBeVisible();
});
