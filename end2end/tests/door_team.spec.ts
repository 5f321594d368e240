import { test, expect } from "@playwright/test";
import { asUser, festivalTickets, register, unique } from "./helpers";

// An event's door team: the admin adds someone by the e-mail of their account on the event's
// page; they then find the door in their menu and check the festival's guests in; taken off the
// team, the door is closed to them again. With JavaScript on and off.

test("an admin adds a door team member, who checks a guest in, then removes them", async ({ browser, page }, info) => {
  const js = info.project.name === "js";
  const [ticket] = await festivalTickets(browser, "Brice Onana");
  // The new member registers an ordinary account first.
  const email = unique("door-team");
  await register(page, email);
  await expect(page.getByRole("link", { name: /^(Check-in|Contrôle d'entrée)$/ })).toHaveCount(0);

  const admin = await asUser(browser, "admin@demo.tessera.cm", "demo-admin-2026", js);
  await admin.goto("/admin/events?edit=festival-yaounde");
  const team = admin.locator("#door-team");
  await expect(team.getByRole("heading", { name: /^(Door team|Équipe d'entrée)$/ })).toBeVisible();
  const field = team.getByLabel(/^(E-mail of their account|E-mail de son compte)/);

  // An address with no account is refused, said why, and kept as typed.
  const stranger = unique("nobody");
  await field.fill(stranger);
  await team.getByRole("button", { name: /^(Add to the door team|Ajouter à l'équipe d'entrée)$/ }).click();
  await expect(admin.locator("#door-team")).toContainText(/No account uses this e-mail|Aucun compte n'utilise cet e-mail/);
  await expect(admin.locator("#door-team").getByLabel(/^(E-mail of their account|E-mail de son compte)/)).toHaveValue(stranger);

  // The member's address adds them.
  await admin.locator("#door-team").getByLabel(/^(E-mail of their account|E-mail de son compte)/).fill(email);
  await admin.locator("#door-team").getByRole("button", { name: /^(Add to the door team|Ajouter à l'équipe d'entrée)$/ }).click();
  await expect(admin.locator("#door-team")).toContainText(/Added to the door team|Ajouté à l'équipe d'entrée/);
  await expect(admin.locator("#door-team li", { hasText: email })).toHaveCount(1);

  // The member now has the door in the menu, and the festival's guest is let in.
  await page.goto("/family");
  await page.getByRole("link", { name: /^(Check-in|Contrôle d'entrée)$/ }).click();
  await expect(page).toHaveURL(/\/checkin/);
  await page.getByLabel(/^(Ticket code or link|Code ou lien du billet)$/).fill(ticket);
  await page.getByRole("button", { name: /^(Check in|Valider l'entrée)$/ }).click();
  await expect(page.locator(".verdict-word")).toHaveText(/^(VALID|VALIDE)$/);
  await expect(page.locator(".verdict-name")).toHaveText("Brice Onana");

  // Taken off the team: the admin sees it done, and the member's door is closed.
  await admin.locator("#door-team li", { hasText: email }).getByRole("button", { name: /^(Remove|Retirer)/ }).click();
  await expect(admin.locator("#door-team")).toContainText(/Removed from the door team|Retiré de l'équipe d'entrée/);
  await expect(admin.locator("#door-team li", { hasText: email })).toHaveCount(0);
  await page.goto("/checkin");
  await expect(page.getByText(/You do not have access to this page|Vous n'avez pas accès à cette page/)).toBeVisible();
});
