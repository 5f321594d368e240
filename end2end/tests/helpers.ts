import { expect, Page } from "@playwright/test";
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

export async function login(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel(/E-mail address|Adresse e-mail/).fill(email);
  await page.getByLabel(/^(Password|Mot de passe)$/).fill(password);
  await page.getByRole("button", { name: /Log in|Se connecter/ }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

export const unique = (p: string) => `${p}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.cm`;

export async function register(page: Page, email: string) {
  await page.goto("/register");
  await page.getByLabel("Full name").fill("Awa Ndiaye");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Phone number").fill("+237 677 12 34 56");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByLabel("Family name").fill("Famille Ndiaye");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page).toHaveURL(/\/family/);
}
