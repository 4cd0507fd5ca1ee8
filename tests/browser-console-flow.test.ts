/**
 * The Zhengzhou flow of docs/command-centre.md done on screen, in real Chromium against a real `vigil start`,
 * each role in its own tab: the province leader issues a work order to the city; the city dispatcher hands it
 * to the county's enforcement department; the county duty officer signs, starts and reports back with a photo
 * from a phone (far larger than an attachment may be: the console shrinks it); the city dispatcher accepts it.
 * Every step appears in the timeline with who and when, the photo shows in it, and the buttons each role sees
 * are the steps the server offers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { WorkOrderDetail, WorkOrderListAnswer } from '../schema/index.js';
import { artifactPath, launchBrowser, shootAtPictureSizes, type TestBrowser } from './support/browser.js';
import { api, createPerson, openConsole, type Person } from './support/console-scenario.js';
import { eventually, startVigil, type VigilProcess } from './support/vigil-process.js';

let vigil: VigilProcess;
let browser: TestBrowser;
let leader: Person;
let dispatcher: Person;
let county: Person;
let orderId: number;
const pages = new Map<string, Page>();

async function open(person: Person): Promise<Page> {
  const existing = pages.get(person.username);
  if (existing) {
    await existing.bringToFront();
    return existing;
  }
  const page = await openConsole(vigil, browser, person, 'orders');
  pages.set(person.username, page);
  return page;
}

async function openOrder(page: Page, id: number): Promise<void> {
  await page.click('[data-testid="orders-view-all"]');
  const row = page.locator(`[data-testid="order-row"][data-order-id="${id}"]`);
  await row.waitFor({ timeout: 15_000 });
  await row.click();
  await page.locator(`[data-testid="order-detail"][data-order-id="${id}"]`).waitFor();
}

async function orderState(page: Page, state: string): Promise<void> {
  await eventually(
    async () =>
      (await page.locator('[data-testid="order-detail"]').getAttribute('data-state')) === state ? true : undefined,
    15_000,
    `order ${state}`,
  );
}

async function offered(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="order-actions"] button')
    .evaluateAll((buttons) => buttons.map((b) => (b.getAttribute('data-testid') ?? '').replace('order-', '')));
}

/** A phone photo: 4000×3000 with gradients, shapes and grain, a few MB as PNG, drawn by the browser itself. */
async function phonePhoto(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 4000;
    canvas.height = 3000;
    const g = canvas.getContext('2d')!;
    const sky = g.createLinearGradient(0, 0, 0, 3000);
    sky.addColorStop(0, '#7fb2e5');
    sky.addColorStop(1, '#3a4a2a');
    g.fillStyle = sky;
    g.fillRect(0, 0, 4000, 3000);
    for (let i = 0; i < 400; i++) {
      g.fillStyle = `hsl(${(i * 37) % 360} 60% ${30 + (i % 40)}%)`;
      g.fillRect((i * 971) % 4000, (i * 613) % 3000, 40 + (i % 300), 30 + (i % 200));
    }
    const grain = g.getImageData(0, 0, 4000, 3000);
    for (let i = 0; i < grain.data.length; i += 4) grain.data[i] ^= (i * 2654435761) >>> 29;
    g.putImageData(grain, 0, 0);
    const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  });
  return Buffer.from(base64, 'base64');
}

beforeAll(async () => {
  vigil = await startVigil();
  const admin = await vigil.login();
  leader = await createPerson(vigil, admin, 'henan-leader', 'leader', '410000');
  dispatcher = await createPerson(vigil, admin, 'zz-dispatcher', 'dispatcher', '410100', {
    display_name: '郑州调度员',
  });
  county = await createPerson(vigil, admin, 'jinshui-duty', 'duty_officer', '410105', { display_name: '金水区值班员' });
  browser = await launchBrowser({ width: 1920, height: 1080 });
});

afterAll(async () => {
  await browser?.close();
  await vigil?.stop({ removeData: true });
});

describe('the Zhengzhou flow on screen', () => {
  it('the province leader issues a work order to the city, with a department and a deadline, confirmed', async () => {
    const page = await open(leader);
    await page.click('[data-testid="issue-order"]');
    await page.fill('[data-testid="issue-title"]', '郑州市危险货物运输企业专项检查');
    await page.selectOption('[data-testid="issue-unit"]', '410100');
    await eventually(
      async () =>
        (await page.locator('[data-testid="issue-department"] option[value="road_transport"]').count()) > 0
          ? true
          : undefined,
      10_000,
      'departments of 郑州市',
    );
    await page.selectOption('[data-testid="issue-department"]', 'road_transport');
    await page.selectOption('[data-testid="issue-deadline"]', '48');
    await page.click('[data-testid="issue-next"]');
    await page.click('[data-testid="issue-confirm"]');
    const detail = page.locator('[data-testid="order-detail"]');
    await detail.waitFor({ timeout: 15_000 });
    orderId = Number(await detail.getAttribute('data-order-id'));
    const stored = await api<WorkOrderDetail>(vigil, leader.token, 'GET', `/api/work-orders/${orderId}`);
    expect(stored.order).toMatchObject({
      title: '郑州市危险货物运输企业专项检查',
      source: 'top_down',
      issuer_org: '410000',
      org_code: '410100',
      department: 'road_transport',
      state: 'issued',
    });
    // The issuer may comment or, once it is reported back, accept — but not sign for the city.
    expect(await offered(page)).not.toContain('sign');
  });

  it('the city dispatcher hands it to the county enforcement department', async () => {
    const page = await open(dispatcher);
    await openOrder(page, orderId);
    expect(await offered(page)).toEqual(expect.arrayContaining(['sign', 'transfer']));
    await page.click('[data-testid="order-transfer"]');
    await page.selectOption('[data-testid="transfer-unit"]', '410105');
    await eventually(
      async () =>
        (await page.locator('[data-testid="transfer-department"] option[value="enforcement"]').count()) > 0
          ? true
          : undefined,
      10_000,
      'departments of 金水区',
    );
    await page.selectOption('[data-testid="transfer-department"]', 'enforcement');
    await page.fill('[data-testid="step-text"]', '请金水区执法大队立案检查');
    await page.click('[data-testid="step-submit"]');
    await eventually(
      async () => {
        const o = await api<WorkOrderDetail>(vigil, dispatcher.token, 'GET', `/api/work-orders/${orderId}`);
        return o.order.org_code === '410105' && o.order.department === 'enforcement' ? true : undefined;
      },
      10_000,
      'transferred',
    );
  });

  it('the county signs, starts and reports back with a photo from a phone, shrunk to fit', async () => {
    const page = await open(county);
    await openOrder(page, orderId);
    expect(await offered(page)).toEqual(['sign', 'review', 'transfer', 'comment']);
    await page.click('[data-testid="order-sign"]');
    await orderState(page, 'signed');
    await page.click('[data-testid="order-start"]');
    await orderState(page, 'in_progress');
    await page.click('[data-testid="order-feedback"]');
    const photo = await phonePhoto(page);
    expect(photo.length).toBeGreaterThan(1024 * 1024);
    await page.setInputFiles('[data-testid="step-files"]', {
      name: '现场检查.png',
      mimeType: 'image/png',
      buffer: photo,
    });
    await page.locator('[data-testid="step-file-list"] li').waitFor({ timeout: 30_000 });
    await expect(page.locator('[data-testid="step-file-list"] li').innerText()).resolves.toContain('现场检查.jpg');
    await page.fill('[data-testid="step-text"]', '已对企业立案检查，责令整改，整改到位');
    await page.click('[data-testid="step-submit"]');
    await orderState(page, 'feedback_submitted');
    // The photo shows in the timeline, fetched with the officer's token.
    const image = page.locator('[data-testid="timeline-event"][data-kind="feedback"] [data-testid="attachment-image"]');
    await image.waitFor({ timeout: 15_000 });
    await eventually(
      async () => ((await image.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0 ? true : undefined),
      10_000,
      'the photo decoded',
    );
    const shot = artifactPath('console-order-feedback-1920x1080.png');
    await page.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);
  });

  it('the city dispatcher accepts it, and the leader follows every step with who and when', async () => {
    const page = await open(dispatcher);
    await openOrder(page, orderId);
    await orderState(page, 'feedback_submitted');
    expect(await offered(page)).toEqual(expect.arrayContaining(['accept', 'return']));
    await page.click('[data-testid="order-accept"]');
    await page.fill('[data-testid="step-text"]', '同意办结');
    await page.click('[data-testid="step-submit"]');
    await orderState(page, 'accepted');

    const leaderPage = await open(leader);
    await openOrder(leaderPage, orderId);
    await orderState(leaderPage, 'accepted');
    const kinds = await leaderPage
      .locator('[data-testid="timeline-event"]')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-kind')));
    expect(kinds).toEqual(['issued', 'transferred', 'signed', 'started', 'feedback', 'accepted']);
    const text = await leaderPage.locator('[data-testid="order-timeline"]').innerText();
    // Named by display name where one is set (the username without), the username in the tooltip.
    for (const who of ['henan-leader', '郑州调度员', '金水区值班员']) expect(text).toContain(who);
    for (const username of ['zz-dispatcher', 'jinshui-duty']) expect(text).not.toContain(username);
    const tooltips = await leaderPage
      .locator('[data-testid="timeline-event"] .timeline-who')
      .evaluateAll((items) => items.map((i) => i.getAttribute('title')));
    expect(tooltips).toEqual([
      'henan-leader',
      'zz-dispatcher',
      'jinshui-duty',
      'jinshui-duty',
      'jinshui-duty',
      'zz-dispatcher',
    ]);
    expect(text).toContain('金水区');
    const { timeline } = await api<WorkOrderDetail>(vigil, leader.token, 'GET', `/api/work-orders/${orderId}`);
    expect(timeline.map((e) => e.actor_name)).toEqual([
      'henan-leader',
      '郑州调度员',
      '金水区值班员',
      '金水区值班员',
      '金水区值班员',
      '郑州调度员',
    ]);
    const files = timeline.find((e) => e.kind === 'feedback')!.detail.attachments!;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: '现场检查.jpg', content_type: 'image/jpeg' });
    expect(files[0].size_bytes).toBeLessThanOrEqual(512 * 1024);
    const closed = await api<WorkOrderListAnswer>(vigil, leader.token, 'GET', '/api/work-orders?state=accepted');
    expect(closed.work_orders.map((o) => o.id)).toContain(orderId);
    await shootAtPictureSizes(leaderPage, 'console-order-timeline');
  });
});
