import { test, expect } from "@playwright/test";
import { asUser, festivalTickets } from "./helpers";

// The door (its staff read French) set to one event and one gate: a ticket for another event is refused with its
// reason; with JavaScript each scan is answered in place (no page load), and a second door
// page open on the same event sees the counters move by themselves.

test("the door is set to an event and a gate, and its counters stay live", async ({ browser }, info) => {
  const js = info.project.name === "js";
  const [ticket] = await festivalTickets(browser, "Serge Atangana");
  const door = await asUser(browser, "door@demo.tessera.cm", "demo-door-2026", js);
  await expect(door).toHaveURL(/\/checkin/);

  // Set the door: the festival, at the North gate.
  const place = door.locator("details.door-place");
  if ((await place.getAttribute("open")) === null) await place.locator("summary").click();
  await door.getByLabel("Événement à cette entrée").selectOption({ label: "Festival des Arts de Yaoundé" });
  await door.getByLabel("Porte", { exact: true }).fill("North gate");
  await door.getByRole("button", { name: "Régler l'entrée" }).click();
  await expect(door).toHaveURL(/event=festival-yaounde/);
  await expect(door).toHaveURL(/gate=North\+gate/);
  await expect(place.locator("summary")).toContainText("Festival des Arts de Yaoundé · North gate");
  const total = door.locator(".door-total strong");
  const before = Number(await total.textContent());

  // A second phone at the same door (JavaScript only: it listens for the counters).
  const other = js ? await asUser(browser, "door@demo.tessera.cm", "demo-door-2026", true) : null;
  await other?.goto(door.url());

  const address = door.url();
  await door.getByLabel("Code ou lien du billet").fill(ticket);
  await door.getByRole("button", { name: "Valider l'entrée" }).click();
  await expect(door.locator(".verdict-word")).toHaveText("VALIDE");
  await expect(door.locator(".verdict-name")).toHaveText("Serge Atangana");
  await expect(door.getByLabel("Code ou lien du billet")).toHaveValue("");
  // Other spec files check festival tickets in at the same time: the count grows by at least
  // this one.
  const count = (l: typeof total) => async () => Number(await l.textContent());
  await expect.poll(count(total)).toBeGreaterThanOrEqual(before + 1);
  await expect(door.locator(".door-gates")).toContainText("North gate");
  if (js) {
    // Answered in place: the page did not move.
    expect(door.url()).toBe(address);
    await expect(door.getByLabel("Code ou lien du billet")).toBeFocused();
    // The other phone's counters follow within a few seconds, with no reload.
    await expect.poll(count(other!.locator(".door-total strong")), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 1);
  }

  // Scanned again at the door: already checked in, at the North gate.
  await door.getByLabel("Code ou lien du billet").fill(ticket);
  await door.getByRole("button", { name: "Valider l'entrée" }).click();
  await expect(door.locator(".verdict-word")).toHaveText("DÉJÀ ENTRÉ");
  await expect(door.locator(".verdict")).toContainText("North gate");
});
