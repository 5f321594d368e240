import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { login } from "../tests/helpers";

// A door phone with the list of an event of 20,000 tickets (seeded by the load generator),
// offline: how long the list takes to download and keep, and how long each scan takes from
// submitting the code to the answer on the page.
test("door offline: answers from the phone's list", async ({ browser }) => {
  const tokens = readFileSync(process.env.DOOR_TOKENS_FILE!, "utf8").trim().split("\n").slice(0, 500);
  const context = await browser.newContext({ serviceWorkers: "allow", locale: "en-US" });
  const page = await context.newPage();
  await login(page, "bench@example.cm", "bench password 1");
  await page.goto("/checkin?event=bench-offline");
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.reload();
  const started = Date.now();
  await page.getByRole("button", { name: /Download the check-in list|Télécharger la liste/ }).click();
  await expect(page.locator(".door-ready")).toBeVisible({ timeout: 120_000 });
  const download = (Date.now() - started) / 1000;
  const kept = await page.evaluate(() => (localStorage.getItem("tessera.door.list.bench-offline") ?? "").length);
  const listed = (await page.locator(".door-ready strong").textContent())!.trim();
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator(".door-network")).toContainText(/No network|Pas de réseau/);
  const times: number[] = await page.evaluate(async (tokens) => {
    const input = document.getElementById("f-code") as HTMLInputElement;
    const form = document.getElementById("checkin-form") as HTMLFormElement;
    const queue = () => Number(document.querySelector(".door-queue")?.textContent ?? "0");
    const out: number[] = [];
    for (const token of tokens) {
      const before = queue();
      input.value = `/t/${token}`;
      const start = performance.now();
      form.requestSubmit();
      // The answer is on the page when the queue counter has moved.
      while (queue() === before) await new Promise((r) => setTimeout(r, 0));
      out.push(performance.now() - start);
    }
    return out;
  }, tokens);
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  console.log(`door offline: list of ${listed} tickets downloaded and kept in ${download.toFixed(2)} s (${kept} bytes kept)`);
  console.log(`door offline: ${times.length} scans answered on the phone: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
  await expect(page.locator(".door-queue")).toHaveText(String(tokens.length));
});
