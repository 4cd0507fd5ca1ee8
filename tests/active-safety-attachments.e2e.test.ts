/**
 * Active-safety attachments end to end on a real node (T/JSATL 12): a terminal reports an ADAS alarm holding
 * two files; the gateway answers with 0x9208 naming the attachment server and the alarm number; the terminal
 * uploads there (0x1210 list, then per file 0x1211, data frames, 0x1212), leaving a hole in one file, is told
 * the exact range that is missing (0x9212), sends it, and is told the file is complete. The files are then listed
 * under the alarm's `attachment_number` and served byte-exact, to the province and the alarm's city, and not to
 * another city's staff.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locationBody } from '../cli/demo/location.js';
import { encodeAttachmentData, type AlarmAttachmentUpload } from '../ingest/jt808/codec/index.js';
import { alarmAttachmentNumber } from '../schema/index.js';
import { createPerson, openConsole } from './support/console-scenario.js';
import { artifactPath, launchBrowser } from './support/browser.js';
import { FFMPEG } from './support/jt1078-test-terminal.js';
import { TestTerminal } from './support/jt808-test-terminal.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

const PHONE = '013912340077';
const PLATE = '豫A7A077';
// Zhengzhou (410100): the province and Zhengzhou staff see it, Luoyang staff do not.
const WHERE = { lat: 34.75, lon: 113.66 };

let vigil: VigilProcess;
let files: { name: string; type: number; data: Buffer }[] = [];
let alarmId = '';
beforeAll(async () => {
  vigil = await startVigil();
});
afterAll(async () => {
  await vigil?.stop();
});

/** ffmpeg's test pattern as a JPEG picture and a 3-second H.264 MP4 clip, as a camera would keep them. */
function cameraFiles(): { picture: Buffer; clip: Buffer } {
  if (!existsSync(FFMPEG)) throw new Error(`this test needs Debian's ffmpeg at ${FFMPEG} (apt-get install -y ffmpeg)`);
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'vigil-attachments-'));
  try {
    const ffmpeg = (args: string[]) =>
      execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', ...args], { stdio: 'ignore' });
    const picture = nodePath.join(dir, 'picture.jpg');
    const clip = nodePath.join(dir, 'clip.mp4');
    ffmpeg(['-i', 'testsrc2=size=640x480:rate=1', '-frames:v', '1', picture]);
    ffmpeg([
      ...['-i', 'testsrc2=size=320x240:rate=15', '-t', '3'],
      ...['-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', clip],
    ]);
    return { picture: readFileSync(picture), clip: readFileSync(clip) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function json(token: string, url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${vigil.baseUrl}${url}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : null };
}

describe('active-safety attachments', () => {
  it('asks for the files of an ADAS alarm, takes them with a resend of the missing range, and links them to the alarm', async () => {
    const terminal = await TestTerminal.connect(vigil.jt808Port, PHONE, 2013);
    const authCode = await terminal.register(PLATE);
    expect(await terminal.authenticate(authCode)).toBe(0);

    const time = Math.floor(Date.now() / 1000) * 1000 - 5_000;
    const ident = { terminalId: 'T340077', time, serial: 3, attachmentCount: 2, reserved: 0 };
    const body = locationBody({ ...WHERE, speedKmh: 62, directionDeg: 90, time }, 2013);
    body.extras.adas = {
      alarmId: 41,
      flag: 0,
      type: 1,
      level: 2,
      frontVehicleSpeedKmh: 50,
      frontDistance100ms: 8,
      deviationType: 0,
      roadSignType: 0,
      roadSignValue: 0,
      speedKmh: 62,
      altitudeM: 100,
      latRaw: Math.round(WHERE.lat * 1e6),
      lonRaw: Math.round(WHERE.lon * 1e6),
      time,
      vehicleStatusBits: 0,
      alarmIdentification: ident,
    };
    expect((await terminal.request({ msgId: 0x0200, body })).result).toBe(0);

    // 0x9208: where to upload and under which number; the same number the alarm's evidence will carry.
    const request = (await terminal.waitFor((r) => r.msgId === 0x9208, 10_000, '0x9208')).message
      .body as AlarmAttachmentUpload;
    const alarmNumber = alarmAttachmentNumber(ident);
    expect(request).toMatchObject({ host: '127.0.0.1', tcpPort: vigil.attachmentPort, alarmNumber });
    expect(request.alarmIdentification).toEqual(ident);
    // The same alarm repeated in a later position is not asked for twice.
    expect((await terminal.request({ msgId: 0x0200, body: { ...body, time: time + 1000 } })).result).toBe(0);

    // A real picture and a real clip, so the console test below can show them; data frames carry any byte
    // unescaped, the flag included.
    const { picture, clip } = cameraFiles();
    expect(clip.includes(0x7e)).toBe(true);
    files = [
      { name: `00_00_6401_3_${alarmNumber.slice(0, 8)}.jpg`, type: 0, data: picture },
      { name: `02_01_6401_3_${alarmNumber.slice(0, 8)}.mp4`, type: 2, data: clip },
    ];

    const uploader = await TestTerminal.connect(request.tcpPort, PHONE, 2013);
    try {
      const list = await uploader.request({
        msgId: 0x1210,
        body: {
          terminalId: ident.terminalId,
          alarmIdentification: ident,
          alarmNumber,
          infoType: 0,
          files: files.map((f) => ({ name: f.name, size: f.data.length })),
        },
      });
      expect(list.result).toBe(0);
      for (const file of files) {
        const info = { name: file.name, fileType: file.type, size: file.data.length };
        expect((await uploader.request({ msgId: 0x1211, body: info })).result).toBe(0);
        // 8 KiB pieces; of the clip the second piece is held back.
        const piece = 8 * 1024;
        const held = file.type === 2 ? { offset: piece, length: piece } : undefined;
        if (held) expect(file.data.length).toBeGreaterThan(held.offset + held.length);
        for (let at = 0; at < file.data.length; at += piece) {
          if (held && at === held.offset) continue;
          uploader.write(encodeAttachmentData(file.name, at, file.data.subarray(at, at + piece)));
        }
        const answers = (): number => uploader.received.filter((r) => r.msgId === 0x9212).length;
        const last9212 = () =>
          uploader.received.filter((r) => r.msgId === 0x9212).at(-1)?.message.body as {
            result: number;
            missing: { offset: number; length: number }[];
          };
        const before = answers();
        uploader.send({ msgId: 0x1212, body: info });
        await uploader.waitFor(() => answers() > before, 10_000, '0x9212');
        let result = last9212();
        if (held) {
          expect(result).toMatchObject({ result: 1, missing: [held] });
          uploader.write(
            encodeAttachmentData(file.name, held.offset, file.data.subarray(held.offset, held.offset + held.length)),
          );
          const resent = answers();
          uploader.send({ msgId: 0x1212, body: info });
          await uploader.waitFor(() => answers() > resent, 10_000, 'the second 0x9212');
          result = last9212();
        }
        expect(result).toMatchObject({ name: file.name, result: 0, missing: [] });
      }
    } finally {
      uploader.close();
      terminal.close();
    }

    const admin = await vigil.login('admin', vigil.adminPassword);
    // The alarm names the number its files are filed under.
    alarmId = await eventually(
      async () => {
        const q = await json(admin, `/api/alarms?rule=adas&plate=${encodeURIComponent(PLATE)}`);
        return ((q.body as { alarms?: { alarm_id: string }[] }).alarms ?? [])[0]?.alarm_id;
      },
      20_000,
      'the ADAS alarm',
    );
    const one = await json(admin, `/api/alarms/${alarmId}`);
    expect((one.body as { details: Record<string, unknown> }).details).toMatchObject({
      attachment_number: alarmNumber,
    });

    const listed = await eventually(
      async () => {
        const r = await json(admin, `/api/vehicles/${PHONE}/attachments/${alarmNumber}`);
        const found = (r.body as { files?: unknown[] }).files ?? [];
        return found.length === 2 ? (r.body as { files: { name: string; bytes: number; url: string }[] }) : undefined;
      },
      20_000,
      'both attachments listed',
    );
    for (const file of files) {
      const entry = listed.files.find((f) => f.name === file.name);
      expect(entry).toMatchObject({ bytes: file.data.length });
      const res = await fetch(`${vigil.baseUrl}${entry?.url}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(file.data)).toBe(true);
    }
    // Zhengzhou's duty officer sees the alarm and its files; Luoyang's sees neither, as if they did not exist.
    const zhengzhou = await createPerson(vigil, admin, 'zz_duty', 'duty_officer', '410100');
    const luoyang = await createPerson(vigil, admin, 'ly_duty', 'duty_officer', '410300');
    const path = `/api/vehicles/${PHONE}/attachments/${alarmNumber}`;
    expect((await json(zhengzhou.token, path)).body).toMatchObject({ files: [{}, {}] });
    expect((await json(luoyang.token, path)).status).toBe(404);
    expect((await json(luoyang.token, `${path}/${files[0].name}`)).status).toBe(404);
    // Nothing outside the attachments directory, and a malformed number is a named refusal.
    expect((await json(admin, `/api/vehicles/${PHONE}/attachments/${alarmNumber}/..%2F..%2Fvigil.json`)).status).toBe(
      404,
    );
    expect(await json(admin, `/api/vehicles/${PHONE}/attachments/NOT-A-NUMBER`)).toMatchObject({
      status: 400,
      body: { error: 'bad_field', field: 'alarm_number' },
    });
    // The upload is not mixed into the vehicle's photos (media ids are the terminal's, attachments have none).
    const media = await json(admin, `/api/vehicles/${PHONE}/media`);
    expect((media.body as { media: unknown[] }).media).toEqual([]);
  });
  it('shows the picture and plays the clip beside the alarm in the duty console', async () => {
    expect(alarmId).not.toBe('');
    const admin = await vigil.login('admin', vigil.adminPassword);
    const officer = await createPerson(vigil, admin, 'zz_evidence', 'duty_officer', '410100');
    for (const viewport of [
      { width: 1920, height: 1080 },
      { width: 3840, height: 2160 },
    ]) {
      const browser = await launchBrowser(viewport, { locale: 'zh-CN' });
      try {
        const page = await openConsole(vigil, browser, officer);
        await page.locator(`[data-testid="queue-row"][data-alarm-id="${alarmId}"]`).click();
        const shown = page.locator('[data-testid="alarm-attachment"]');
        await shown.nth(1).waitFor({ timeout: 20_000 });
        expect(await shown.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(
          files.map((f) => f.name),
        );
        // The picture decoded at its size, and the clip's first frame is there to play.
        await page.waitForFunction(
          () => {
            const img = document.querySelector<HTMLImageElement>('[data-testid="alarm-attachment"] img');
            const video = document.querySelector<HTMLVideoElement>('[data-testid="alarm-attachment"] video');
            return img?.complete === true && img.naturalWidth === 640 && video !== null && video.readyState >= 2;
          },
          undefined,
          { timeout: 20_000 },
        );
        expect(
          await page
            .locator('[data-testid="alarm-attachment"] video')
            .evaluate((v: HTMLVideoElement) => [v.videoWidth, v.duration > 2.5]),
        ).toEqual([320, true]);
        const shot = artifactPath(`console-alarm-attachments-${viewport.width}x${viewport.height}.png`);
        await page.screenshot({ path: shot });
        console.log(`screenshot: ${shot}`);
        expect(browser.cspViolations()).toEqual([]);
      } finally {
        await browser.close();
      }
    }
  });
});
