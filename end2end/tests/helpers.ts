import { expect, Browser, Page } from "@playwright/test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

// A real 2×2 PNG made here, so the test needs no fixture file.
export function png(): Buffer {
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

// A real one-page PDF with a line of text, as a bank's or operator's receipt would be.
export function pdf(text = "Recu MTN MoMo 15000 FCFA"): Buffer {
  const content = `BT /F1 24 Tf 30 100 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

export async function login(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel(/E-mail address|Adresse e-mail/).fill(email);
  await page.getByLabel(/^(Password|Mot de passe)$/).fill(password);
  await page.getByRole("button", { name: /Log in|Se connecter/ }).click();
  await expect(page).not.toHaveURL(/\/login/);
  // With JavaScript the router may still be on its way to the landing page: let it arrive, so
  // the test's next navigation is not interrupted by it.
  await page.waitForLoadState("networkidle");
}

export const unique = (p: string) => `${p}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.cm`;

export async function register(page: Page, email: string, kind: "family" | "organisation" = "family") {
  await page.goto("/register");
  await page.getByLabel("Full name").fill("Awa Ndiaye");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Phone number").fill("+237 677 12 34 56");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByLabel("Family name").fill("Famille Ndiaye");
  if (kind === "organisation") await page.getByLabel(/My organisation/).check();
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/\/family/);
}

/// A new browser context signed in as `email`, with JavaScript on or off.
export async function asUser(browser: Browser, email: string, password: string, javaScriptEnabled: boolean) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  await login(page, email, password);
  return page;
}

function decodePart(headers: string, body: string): string {
  if (/Content-Transfer-Encoding: base64/i.test(headers)) {
    return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  }
  if (/Content-Transfer-Encoding: quoted-printable/i.test(headers)) {
    const bytes = body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  return body;
}

/// The text of a MIME entity: its text/plain parts decoded (nested multiparts included),
/// attachments by name; HTML alternatives are left out, they say the same as the text.
function decodeEntity(headers: string, body: string): string {
  const boundary = headers.match(/boundary="?([^";\r\n]+)"?/i);
  if (!boundary) {
    if (/Content-Type: text\/html/i.test(headers)) return "";
    const name = headers.match(/filename="?([^";\r\n]+)"?/i);
    if (name) return `[attachment: ${name[1]}]`;
    if (/Content-Type:/i.test(headers) && !/Content-Type: text\/plain/i.test(headers)) return "";
    return decodePart(headers, body);
  }
  return body
    .split(`--${boundary[1]}`)
    .map((part) => {
      const at = part.indexOf("\r\n\r\n");
      if (at < 0) return "";
      return decodeEntity(part.slice(0, at), part.slice(at + 4));
    })
    .filter((t) => t.length > 0)
    .join("\n");
}

/// An e-mail's headers and its text, each part decoded; attachments by name.
function decodeMail(raw: string): string {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split);
  return head + "\n" + decodeEntity(head, raw.slice(split + 4));
}

/// The text of every e-mail the app wrote to its mail folder, decoded, oldest first.
export function mails(): string[] {
  const dir = process.env.MAIL_DIR;
  if (!dir) throw new Error("MAIL_DIR is not set");
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".eml"));
  } catch {
    return [];
  }
  return names
    .map((n) => join(dir, n))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    .map((path) => decodeMail(readFileSync(path, "utf8")));
}

export async function mailContaining(text: string, also: string): Promise<string> {
  for (let i = 0; i < 40; i++) {
    const found = mails().find((m) => m.includes(text) && m.includes(also));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no e-mail with ${text} and ${also}`);
}

// Posts the payment wizard's step 2 as its form does (the payer's number and transaction id go
// to the session) and returns the step-3 address it leads to.
export async function payDetails(page: Page, fields: Record<string, string>): Promise<string> {
  const res = await page.request.post("/pay/details", { form: fields, maxRedirects: 0 });
  expect(res.status()).toBe(303);
  const location = res.headers()["location"];
  expect(location).not.toContain(fields.transaction_id);
  return location;
}

export const FAMILY_STEP2 = {
  plan_type: "FAMILY_MANAGER", duration_days: "30", amount: "15000", payment_method: "MTN_MOMO",
  phone_number: "677123456", transaction_id: "MTN1", user_notes: "",
};

/// Paid e-tickets for the demo festival: a guest orders `places` in `name`, an admin marks the
/// order paid in cash; the e-tickets' paths (`/t/…`).
export async function festivalTickets(browser: Browser, name: string, places = 1): Promise<string[]> {
  return (await festivalOrder(browser, name, places)).tickets;
}

/// As `festivalTickets`, with the order's reference.
export async function festivalOrder(browser: Browser, name: string, places = 1): Promise<{ reference: string; tickets: string[] }> {
  const guest = await (await browser.newContext({ locale: "en-US" })).newPage();
  await guest.goto("/events/festival-yaounde");
  await guest.getByLabel("Places", { exact: true }).fill(String(places));
  await guest.getByLabel("Full name").fill(name);
  await guest.getByLabel("E-mail address").fill(unique("guest"));
  await guest.getByLabel("Phone number").fill("677 98 76 54");
  await guest.getByRole("button", { name: "Order and pay" }).click();
  await expect(guest).toHaveURL(/\/orders\/ORD-\d{4}-\d{5}\?sig=/);
  const orderUrl = guest.url();
  const reference = orderUrl.match(/ORD-\d{4}-\d{5}/)![0];
  const admin = await asUser(browser, "admin@demo.tessera.cm", "demo-admin-2026", true);
  await admin.goto(`/admin/orders/${reference}`);
  await admin.getByText("Paid in cash", { exact: true }).click();
  await admin.getByRole("button", { name: "Yes, paid in cash" }).click();
  await expect(admin.getByText("Order marked paid.")).toBeVisible();
  await admin.context().close();
  await guest.goto(orderUrl);
  const paths: string[] = [];
  for (let i = 1; i <= places; i++) {
    const href = await guest.getByRole("link", { name: `E-ticket ${i}` }).getAttribute("href");
    paths.push(new URL(href!).pathname);
  }
  await guest.context().close();
  return { reference, tickets: paths };
}
