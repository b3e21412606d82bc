import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

interface PageDocument {
  body: { innerText: string };
  querySelectorAll(selector: 'input'): ArrayLike<{ value: string }>;
}

/**
 * Opens one node of a workflow in the real n8n editor (Debian's Chromium, never a downloaded
 * browser), waits until `expectText` shows in its panel — text the node loaded from the API,
 * which proves its option methods ran in the editor — and saves a screenshot of the panel.
 */
export async function screenshotNode(options: {
  n8nUrl: string;
  owner: { email: string; password: string };
  workflowId: string;
  nodeName: string;
  expectText: string[];
  file: string;
}): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${options.n8nUrl}/signin`);
    await page.fill('input[type=email]', options.owner.email);
    await page.fill('input[type=password]', options.owner.password);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.pathname.includes('signin'));
    await page.goto(`${options.n8nUrl}/workflow/${options.workflowId}`);
    await page.locator(`[data-test-id="canvas-node"][data-node-name="${options.nodeName}"]`).dblclick();
    // Shown as text, or as the value of a field (a dropdown shows its chosen option in an input).
    await page.waitForFunction((texts) => {
      // Runs in the page; the scripts project has no DOM types, so the little used is typed here.
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      const values = Array.from(doc.querySelectorAll('input'), (i) => i.value);
      return texts.every((t) => doc.body.innerText.includes(t) || values.includes(t));
    }, options.expectText);
    await page.screenshot({ path: options.file });
  } finally {
    await browser.close();
  }
}
