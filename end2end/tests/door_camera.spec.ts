import { test, expect, chromium, type Browser, type BrowserContext, type TestInfo } from "@playwright/test";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { festivalTickets, login } from "./helpers";

// The door's camera, where the browser has no BarcodeDetector (Safari, Firefox, desktop
// Chromium): Chromium's fake camera plays a video of a ticket's QR code, the frames are decoded
// in the WebAssembly, and the page answers VALID, then ALREADY CHECKED IN. The camera is read
// by script: this spec runs in the JavaScript project only (typed codes are covered with and
// without JavaScript by orders.spec).

const W = 640;
const H = 480;
const SIDE = 360;

/// A Y4M video (4:2:0, full range) of `grey` (SIDE × SIDE) centred on white, ten frames.
function y4m(grey: number[]): Buffer {
  const y = Buffer.alloc(W * H, 255);
  const [left, top] = [(W - SIDE) / 2, (H - SIDE) / 2];
  for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) y[(top + r) * W + left + c] = grey[r * SIDE + c];
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, chroma, chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...Array(10).fill(frame)]);
}

/// Chromium with a fake camera it may use without asking: its own test pattern, or `video`.
function cameraBrowser(info: TestInfo, video?: string): Promise<Browser> {
  const options = info.project.use.launchOptions ?? {};
  const fake = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"];
  if (video) fake.push(`--use-file-for-fake-video-capture=${video}`);
  return chromium.launch({ ...options, args: [...(options.args ?? []), ...fake] });
}

/// A page context of `camera` on the app, in English, allowed the camera.
function cameraContext(camera: Browser, info: TestInfo): Promise<BrowserContext> {
  return camera.newContext({ baseURL: info.project.use.baseURL, locale: "en-US", permissions: ["camera"] });
}

test("the door reads a ticket's QR code from the camera without the browser's detector", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "js", "the camera is read by script");
  const [ticket] = await festivalTickets(browser, "Camille Mbarga");

  // The ticket's QR code, as its page draws it, becomes the camera's picture.
  await page.goto(ticket);
  const grey: number[] = await page.evaluate(async (side) => {
    const svg = document.querySelector(".qr svg")!;
    const img = new Image();
    img.src = "data:image/svg+xml;base64," + btoa(new XMLSerializer().serializeToString(svg));
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = side;
    const ctx = canvas.getContext("2d")!;
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, side, side);
    ctx.drawImage(img, 0, 0, side, side);
    const data = ctx.getImageData(0, 0, side, side).data;
    return Array.from({ length: side * side }, (_, i) => data[i * 4]);
  }, SIDE);
  const video = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "door-")), "ticket.y4m");
  fs.writeFileSync(video, y4m(grey));

  const camera = await cameraBrowser(info, video);
  try {
    const context = await cameraContext(camera, info);
    // Whatever this Chromium has, the door must do without the browser's detector.
    await context.addInitScript(() => { delete (window as unknown as Record<string, unknown>).BarcodeDetector; });
    const door = await context.newPage();
    await login(door, "door@demo.tessera.cm", "demo-door-2026");
    for (const expected of [/^(VALID|VALIDE)$/, /^(ALREADY CHECKED IN|DÉJÀ ENTRÉ)$/]) {
      await door.goto("/checkin");
      await door.getByRole("button", { name: /Scan with the camera|Scanner avec la caméra/ }).click();
      await expect(door.locator(".verdict-word")).toHaveText(expected, { timeout: 20_000 });
      await expect(door.locator(".verdict-name")).toHaveText("Camille Mbarga");
    }
  } finally {
    await camera.close();
  }
});

test("the door reads through the browser's own BarcodeDetector where there is one", async ({ browser }, info) => {
  test.skip(info.project.name !== "js", "the camera is read by script");
  const [ticket] = await festivalTickets(browser, "Didier Ekambi");
  const link = new URL(ticket, info.project.use.baseURL).href;
  // Chromium on Linux has no BarcodeDetector: a stand-in with its interface answers the
  // ticket's link for any frame of the (fake) camera, and counts how often it was asked.
  const camera = await cameraBrowser(info);
  try {
    const context = await cameraContext(camera, info);
    await context.addInitScript((link) => {
      const w = window as unknown as Record<string, unknown>;
      w.detectCalls = 0;
      w.BarcodeDetector = class {
        constructor(options: { formats: string[] }) {
          if (!options.formats.includes("qr_code")) throw new Error("QR codes were not asked for");
        }
        async detect(video: HTMLVideoElement) {
          w.detectCalls = (w.detectCalls as number) + 1;
          return video.videoWidth > 0 ? [{ rawValue: link, format: "qr_code" }] : [];
        }
      };
    }, link);
    const door = await context.newPage();
    await login(door, "door@demo.tessera.cm", "demo-door-2026");
    await door.goto("/checkin");
    await door.getByRole("button", { name: /Scan with the camera|Scanner avec la caméra/ }).click();
    await expect(door.locator(".verdict-word")).toHaveText(/^(VALID|VALIDE)$/, { timeout: 20_000 });
    await expect(door.locator(".verdict-name")).toHaveText("Didier Ekambi");
    // The camera keeps scanning: the same code still in sight is not sent again.
    await door.waitForTimeout(1_500);
    await expect(door.locator(".verdict-word")).toHaveText(/^(VALID|VALIDE)$/);
    expect(await door.evaluate(() => (window as unknown as { detectCalls: number }).detectCalls)).toBeGreaterThan(3);
    // Stopped and opened again, the camera reads it once more: already checked in.
    await door.getByRole("button", { name: /Stop the camera|Arrêter la caméra/ }).click();
    await door.getByRole("button", { name: /Scan with the camera|Scanner avec la caméra/ }).click();
    await expect(door.locator(".verdict-word")).toHaveText(/^(ALREADY CHECKED IN|DÉJÀ ENTRÉ)$/, { timeout: 20_000 });
  } finally {
    await camera.close();
  }
});

test("the torch button shows only for a camera with a torch, and switches it", async ({ browser }, info) => {
  test.skip(info.project.name !== "js", "the camera is read by script");
  const camera = await cameraBrowser(info);
  const open = async (context: BrowserContext) => {
    const door = await context.newPage();
    await login(door, "door@demo.tessera.cm", "demo-door-2026");
    await door.goto("/checkin");
    await door.getByRole("button", { name: /Scan with the camera|Scanner avec la caméra/ }).click();
    // The camera is open once its video plays.
    await expect
      .poll(() => door.evaluate(() => (document.getElementById("scanner-video") as HTMLVideoElement).readyState), { timeout: 20_000 })
      .toBeGreaterThan(1);
    return door;
  };
  try {
    // Chromium's fake camera has no torch: no torch button.
    const plain = await cameraContext(camera, info);
    const without = await open(plain);
    await without.waitForTimeout(500);
    await expect(without.getByRole("button", { name: /^(Torch|Lampe)$/ })).toBeHidden();

    // A camera with a torch, as a phone's back camera reports it: its track lists `torch` among
    // its capabilities and records the torch settings it is asked for.
    const lit = await cameraContext(camera, info);
    await lit.addInitScript(() => {
      const w = window as unknown as { torchAsked: boolean[] };
      w.torchAsked = [];
      const proto = MediaStreamTrack.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
      const capabilities = proto.getCapabilities;
      proto.getCapabilities = function (this: MediaStreamTrack) {
        return { ...(capabilities ? (capabilities.call(this) as object) : {}), torch: true };
      };
      const apply = proto.applyConstraints;
      proto.applyConstraints = function (this: MediaStreamTrack, c: { advanced?: { torch?: boolean }[] }) {
        const torch = c?.advanced?.find((a) => "torch" in a);
        if (torch) {
          w.torchAsked.push(Boolean(torch.torch));
          return Promise.resolve();
        }
        return apply.call(this, c);
      };
    });
    const door = await open(lit);
    const torch = door.getByRole("button", { name: /^(Torch|Lampe)$/ });
    await expect(torch).toBeVisible();
    await expect(torch).toHaveAttribute("aria-pressed", "false");
    await torch.click();
    await expect(torch).toHaveAttribute("aria-pressed", "true");
    const asked = () => door.evaluate(() => (window as unknown as { torchAsked: boolean[] }).torchAsked);
    await expect.poll(asked).toEqual([true]);
    await torch.click();
    await expect(torch).toHaveAttribute("aria-pressed", "false");
    await expect.poll(asked).toEqual([true, false]);
  } finally {
    await camera.close();
  }
});

test("each answer beeps and buzzes, the camera switches sides, and the door offers to install", async ({ browser }, info) => {
  test.skip(info.project.name !== "js", "sound, vibration, camera and install are script");
  const [ticket] = await festivalTickets(browser, "Brigitte Nkoa");
  const camera = await cameraBrowser(info);
  try {
    const context = await cameraContext(camera, info);
    // What the phone would do is recorded: each vibration pattern, each tone's pitch, and the
    // side of each camera asked for.
    await context.addInitScript(() => {
      const w = window as unknown as { buzzes: number[][]; tones: number[]; sides: string[] };
      w.buzzes = [];
      w.tones = [];
      w.sides = [];
      (navigator as unknown as { vibrate: (p: number | number[]) => boolean }).vibrate = (p) => {
        w.buzzes.push(Array.isArray(p) ? [...p] : [p]);
        return true;
      };
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
        w.tones.push(this.frequency.value);
        return start.call(this, when);
      };
      const media = navigator.mediaDevices;
      const open = media.getUserMedia.bind(media);
      media.getUserMedia = (c?: MediaStreamConstraints) => {
        const video = c?.video as MediaTrackConstraints | undefined;
        w.sides.push(String(video?.facingMode ?? ""));
        return open(c);
      };
    });
    const door = await context.newPage();
    await login(door, "door@demo.tessera.cm", "demo-door-2026");
    await door.goto("/checkin");
    const recorded = () => door.evaluate(() => {
      const w = window as unknown as { buzzes: number[][]; tones: number[]; sides: string[] };
      return { buzzes: w.buzzes, tones: w.tones, sides: w.sides };
    });

    // VALID: one high beep and a short buzz; then ALREADY CHECKED IN: two low beeps and a long buzz.
    const code = door.getByLabel(/^(Ticket code or link|Code ou lien du billet)$/);
    const submit = door.getByRole("button", { name: /^(Check in|Valider l'entrée)$/ });
    await code.fill(ticket);
    await submit.click();
    await expect(door.locator(".verdict-word")).toHaveText(/^(VALID|VALIDE)$/);
    await expect.poll(async () => (await recorded()).buzzes).toEqual([[80]]);
    expect((await recorded()).tones).toEqual([1320]);
    await code.fill(ticket);
    await submit.click();
    await expect(door.locator(".verdict-word")).toHaveText(/^(ALREADY CHECKED IN|DÉJÀ ENTRÉ)$/);
    await expect.poll(async () => (await recorded()).buzzes).toEqual([[80], [200, 80, 200]]);
    expect((await recorded()).tones).toEqual([1320, 330, 330]);

    // The back camera first; "Switch camera" reopens it on the front one, and back again.
    await door.getByRole("button", { name: /Scan with the camera|Scanner avec la caméra/ }).click();
    await expect.poll(async () => (await recorded()).sides).toEqual(["environment"]);
    const flip = door.getByRole("button", { name: /^(Switch camera|Changer de caméra)$/ });
    await flip.click();
    await expect.poll(async () => (await recorded()).sides, { timeout: 10_000 }).toEqual(["environment", "user"]);
    await flip.click();
    await expect.poll(async () => (await recorded()).sides, { timeout: 10_000 }).toEqual(["environment", "user", "environment"]);

    // The install button appears when the browser offers to install the door, and opens the
    // browser's own prompt.
    const install = door.getByRole("button", { name: /^(Install the door app|Installer l'application)/ });
    await expect(install).toBeHidden();
    const prevented = await door.evaluate(() => {
      const e = new Event("beforeinstallprompt", { cancelable: true }) as Event & { prompt: () => Promise<void> };
      e.prompt = () => {
        (window as unknown as { prompted: number }).prompted = ((window as unknown as { prompted?: number }).prompted ?? 0) + 1;
        return Promise.resolve();
      };
      window.dispatchEvent(e);
      return e.defaultPrevented;
    });
    expect(prevented).toBe(true);
    await expect(install).toBeVisible();
    await install.click();
    expect(await door.evaluate(() => (window as unknown as { prompted?: number }).prompted)).toBe(1);
  } finally {
    await camera.close();
  }
});
