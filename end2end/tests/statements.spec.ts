import { test, expect } from "@playwright/test";
import { login, payDetails, png } from "./helpers";

// An admin imports an Orange Money statement: the line paying a family's ticket is a sure match
// approved in one click, an unknown payment is set aside, and the same file imported again
// changes nothing. With JavaScript on (upload with progress) and off (plain form).

function orangeStatement(lines: [string, string, string, string][]): Buffer {
  const header = "N°;Date;Référence;Service;Statut;N° de Compte;Débit;Crédit";
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  const date = `${pad(now.getDate())}/${pad(now.getMonth() + 1)}/${now.getFullYear()} ${pad(now.getHours())}:${pad(now.getMinutes())}:00`;
  const rows = lines.map(([id, status, phone, amount], i) => `${i + 1};${date};${id};Paiement marchand;${status};${phone};;${amount}`);
  return Buffer.from("\ufeff" + [header, ...rows].join("\r\n"), "utf8");
}

test("an Orange Money statement approves the ticket it pays, and importing it again changes nothing", async ({ page }) => {
  const txid = `MP${Date.now()}`;
  await login(page, "awa@demo.tessera.cm", "demo-family-2026");
  await page.goto(await payDetails(page, {
    plan_type: "INDIVIDUAL_STUDENT", duration_days: "30", amount: "5000", payment_method: "ORANGE_MONEY",
    phone_number: "699000000", transaction_id: txid, user_notes: "",
  }));
  await page.getByLabel("Capture d'écran ou PDF du paiement").setInputFiles({ name: "recu.png", mimeType: "image/png", buffer: png() });
  await page.getByRole("button", { name: "Envoyer le ticket de paiement" }).click();
  await expect(page).toHaveURL(/\/tickets\/TKT-/);
  const reference = new URL(page.url()).pathname.split("/").pop()!;
  await page.getByRole("button", { name: /Se déconnecter/ }).click();

  await login(page, "admin@demo.tessera.cm", "demo-admin-2026");
  await page.goto("/admin");
  await page.getByRole("link", { name: "Operator statements" }).click();
  await expect(page.getByRole("heading", { name: "Operator statements" })).toBeVisible();
  await page.getByRole("link", { name: "Orange Money" }).click();
  await expect(page).toHaveURL(/operator=ORANGE_MONEY/);
  // The demo offers a statement to try the import with.
  const sample = await page.request.get("/admin/statements/sample/ORANGE_MONEY.csv");
  expect(sample.status()).toBe(200);
  expect(await sample.text()).toContain("Référence");

  const file = orangeStatement([
    [txid, "Succès", "699000000", "5 000"],
    [`X${txid}`, "Succès", "699555000", "1 234"],
    [`F${txid}`, "Echec", "699000000", "5 000"],
  ]);
  await page.getByLabel("Statement file").setInputFiles({ name: "orange-releve.csv", mimeType: "text/csv", buffer: file });
  await page.getByRole("button", { name: "Import the statement" }).click();
  await expect(page).toHaveURL(/\/admin\/statements\/[0-9a-f-]{36}/);
  const review = page.url().split("?")[0];
  await expect(page.getByRole("heading", { name: "orange-releve.csv" })).toBeVisible();
  await expect(page.getByText("2 new lines out of 2")).toBeVisible();
  const sure = page.locator("table.statement tbody tr");
  await expect(sure).toHaveCount(1);
  await expect(sure.getByRole("link", { name: reference })).toBeVisible();
  await expect(sure.getByText("Same transaction id")).toBeVisible();

  await page.getByRole("button", { name: "Approve the sure match" }).click();
  await expect(page.getByText("The sure matches are approved")).toBeVisible();
  await page.getByRole("link", { name: /Unknown payments \(1\)/ }).click();
  const unknown = page.locator("table.statement tbody tr");
  await expect(unknown).toContainText("699555000");
  await unknown.getByRole("button", { name: "Set aside" }).click();
  await expect(page.getByText("The line is set aside.")).toBeVisible();
  await page.getByRole("link", { name: /Done \(2\)/ }).click();
  await expect(page.locator("table.statement tbody tr")).toHaveCount(2);

  await page.goto(`/admin/tickets/${reference}`);
  await expect(page.getByRole("heading", { name: reference })).toContainText("Approved");

  // The same file again: both lines were imported already, nothing is matched again.
  await page.goto("/admin/statements?operator=ORANGE_MONEY");
  await page.getByLabel("Statement file").setInputFiles({ name: "orange-releve.csv", mimeType: "text/csv", buffer: file });
  await page.getByRole("button", { name: "Import the statement" }).click();
  await expect(page).toHaveURL(/\/admin\/statements\/[0-9a-f-]{36}/);
  expect(page.url().split("?")[0]).not.toBe(review);
  await expect(page.getByText("0 new lines out of 2")).toBeVisible();
  await expect(page.getByRole("button", { name: /Approve the/ })).toHaveCount(0);
});

test("a statement without the mapped column is refused in words and the columns typed are kept", async ({ page }) => {
  await login(page, "admin@demo.tessera.cm", "demo-admin-2026");
  await page.goto("/admin/statements");
  await page.getByText("Columns of the file").click();
  await page.getByLabel("Transaction id column").fill("Reference");
  await page.getByLabel("Statement file").setInputFiles({
    name: "mtn.csv", mimeType: "text/csv",
    buffer: Buffer.from("Id,Date,Status,From,Amount\n1,2026-12-05 09:00:00,SUCCESSFUL,237677000000,100\n"),
  });
  await page.getByRole("button", { name: "Import the statement" }).click();
  await expect(page.getByText("The file has no column named “Reference”.")).toBeVisible();
  await expect(page.getByLabel("Transaction id column")).toHaveValue("Reference");
});
