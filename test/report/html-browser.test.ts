import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../fixtures/cli.ts';

/**
 * The demo's `--format html` report opened in a real headless Chromium (Debian's package; never a
 * browser downloaded by Playwright): the summary, the exposure graph and the first finding are drawn
 * with real boxes, nothing is fetched from the network, and the page logs no error.
 * Set HTML_SCREENSHOT=<file.png> to keep the screenshot and look at it.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available)
  console.log(
    `skipped: the HTML report's browser test needs Chromium at ${CHROMIUM} (apt-get install chromium)`,
  );

describe.skipIf(!available)('report/html in headless Chromium', () => {
  let browser: BrowserContext;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arch-auditor-html-'));
    // An empty profile of its own (--user-data-dir), which Playwright takes as the persistent context's dir.
    browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 1400 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the summary, the exposure graph and the first finding, offline and without errors', async () => {
    // Prepare: the demo report as a file, opened from disk.
    const { out, code } = await runCli('audit', '--demo', '--fail-on', 'none', '--format', 'html');
    expect(code).toBe(0);
    const file = join(dir, 'report.html');
    await writeFile(file, out);
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });

    // Act
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    if (process.env.HTML_SCREENSHOT)
      await page.screenshot({ path: process.env.HTML_SCREENSHOT, fullPage: false });

    // Assess: each part is visible with a real box.
    for (const selector of ['#summary', '#exposure-graph', 'article.finding >> nth=0']) {
      const element = page.locator(selector);
      await expect.poll(() => element.isVisible()).toBe(true);
      const box = await element.boundingBox();
      expect(box, selector).not.toBeNull();
      expect(box?.width, selector).toBeGreaterThan(0);
      expect(box?.height, selector).toBeGreaterThan(0);
    }
    // The graph draws the door and the demo's bypass paths as boxes joined by arrows.
    expect(await page.locator('#exposure-graph .node-door').count()).toBeGreaterThan(0);
    expect(await page.locator('#exposure-graph .node-bypass').count()).toBeGreaterThan(0);
    expect(await page.locator('#exposure-graph path.edge').count()).toBeGreaterThan(2);
    const svgBox = await page.locator('#exposure-graph').boundingBox();
    expect(svgBox?.height).toBeGreaterThan(100);
    // The first finding is the most severe one, in Japanese.
    await expect
      .poll(() => page.locator('article.finding >> nth=0').innerText())
      .toMatch(/緊急[\s\S]*対象[\s\S]*検出内容/);
    expect(await page.locator('#summary').innerText()).toContain('検出 12 件');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
