/**
 * Regenerates the video walls' screenshots in docs/screenshots/ (part of `npm run docs:screenshots`, which sets
 * `VIGIL_DOC_SCREENSHOTS=1`, else tests/artifacts/; not of `npm test`): a real `vigil start --demo`, the walls of
 * the province, Zhengzhou (410100) and 金水区 (410105) opened with their own kiosk tokens once the demo's vehicles
 * and first alarms are in, each photographed in Chromium at 1920×1080 and 3840×2160 in the default layout (a 2×2
 * of 55″ screens read from 5 m), zh-CN. The road and rail panels wait for the demo's first counts, posted in its
 * first minute; their turn over the live list is made long enough (`&turn-s=300`) that each picture shows them
 * rather than whichever flow panel's turn it happens to be.
 */
import type { CentreFlows } from '../../schema/index.js';
import { docScreenshotPath, launchBrowser } from '../support/browser.js';
import { eventually, startVigil } from '../support/vigil-process.js';

const SIZES = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
] as const;
const PASSWORD = 'a long enough password';
/** Time for the map to draw and the first summary and trends to arrive after the page loads. */
const SETTLE_MS = 8_000;

const vigil = await startVigil({ args: ['--demo'] });
try {
  const admin = await vigil.login();
  const wallToken = async (username: string, orgCode: string): Promise<string> => {
    await fetch(`${vigil.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: JSON.stringify({ username, password: PASSWORD, role: 'wall', org_code: orgCode }),
    });
    return vigil.login(username, PASSWORD);
  };
  const walls = {
    province: vigil.wallToken,
    city: await wallToken('wall-zhengzhou', '410100'),
    county: await wallToken('wall-jinshui', '410105'),
  };
  // The demo's vehicles connect and its first alarms open within a minute or two.
  await eventually(
    async () => {
      const alarms = await vigil.sql<[string]>('SELECT count() FROM alarms_current');
      return Number(alarms.rows[0]?.[0] ?? 0) >= 10 ? true : undefined;
    },
    180_000,
    'the demo raising its first alarms',
  );
  await eventually(
    async () => {
      const response = await fetch(`${vigil.baseUrl}/api/summary/flows`, {
        headers: { authorization: `Bearer ${walls.province}` },
      });
      const flows = (await response.json()) as CentreFlows;
      return flows.roads.length > 0 && flows.hubs.length > 0 && flows.vessels.length > 0 ? true : undefined;
    },
    5 * 60_000,
    "the demo's first survey counts and rail interval",
    5_000,
  );
  const browser = await launchBrowser(SIZES[1], { locale: 'zh-CN' });
  try {
    for (const size of SIZES) {
      for (const [name, token] of Object.entries(walls)) {
        const page = await browser.context.newPage();
        await page.setViewportSize(size);
        await page.goto(`${vigil.baseUrl}/wall?token=${encodeURIComponent(token)}&turn-s=300`);
        await page.locator('[data-testid="handling-ranking"], .ranking, .alarm-empty').first().waitFor();
        await page.waitForTimeout(SETTLE_MS);
        const file = docScreenshotPath(`wall-${name}-${size.width}x${size.height}.png`);
        await page.screenshot({ path: file });
        console.log(file);
        await page.close();
      }
    }
  } finally {
    await browser.close();
  }
} finally {
  await vigil.stop({ removeData: true });
}
