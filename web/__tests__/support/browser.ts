/**
 * Browser-test plumbing: Debian's Chromium through playwright-core (never a downloaded browser),
 * a console-error collector per page, screenshots under test-artifacts/screenshots/, and the
 * "no horizontal scroll" check for narrow screens.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';

export const SCREENSHOTS = path.resolve(__dirname, '../../../test-artifacts/screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Collects console errors and uncaught errors from our pages in a context. Pages of other origins
 * (the sandbox's stand-in pay page, which plays the vendor) are not ours to judge.
 */
export function watchErrors(context: BrowserContext, origin: string): string[] {
  const errors: string[] = [];
  const ours = (page: Page) => page.url().startsWith(origin);
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error' && ours(page)) errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => {
      if (ours(page)) errors.push(`${page.url()}: ${e.message}`);
    });
    // The console names no URL for a failed load; this does.
    page.on('response', (r) => {
      if (ours(page) && r.status() >= 400) errors.push(`${r.request().method()} ${r.url()} → ${r.status()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return errors;
}

/**
 * Records Content-Security-Policy violations on our pages (the backend serves the portal and the
 * console with a CSP: backend/src/http/security-headers.ts). A listener for the
 * `securitypolicyviolation` event is installed before any page script runs and reports each
 * violation on the console with a `[csp]` tag; Chromium's own console line about a refused
 * script, style, image or connection is collected too. Both appear also in watchErrors.
 */
export async function watchCsp(context: BrowserContext, origin: string): Promise<string[]> {
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(
        `[csp] ${e.effectiveDirective} refused ${e.blockedURI || 'inline code'} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  const violations: string[] = [];
  const watch = (page: Page) =>
    page.on('console', (m) => {
      const text = m.text();
      if (page.url().startsWith(origin) && (text.startsWith('[csp]') || text.includes('Content Security Policy'))) {
        violations.push(`${page.url()}: ${text}`);
      }
    });
  context.pages().forEach(watch);
  context.on('page', watch);
  return violations;
}

/** The headers our pages and API answers must carry (helmet, backend/src/http/security-headers.ts). */
export function expectSecurityHeaders(headers: Record<string, string>, kind: 'page' | 'api'): void {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
  if (kind === 'page') {
    expect(headers['content-security-policy']).toMatch(/(^|;)\s*script-src 'self'\s*(;|$)/);
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  } else {
    expect(headers['content-security-policy']).toBeUndefined();
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Horizontal overflow of the document in CSS pixels (0 when the page fits its viewport); when it
 * does not fit, the message names the elements that stick out, so a failure says what to fix.
 */
export async function horizontalOverflow(page: Page): Promise<number | string> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const overflow = root.scrollWidth - root.clientWidth;
    if (overflow <= 0) return 0;
    const culprits = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .slice(-5)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${String(el.className).replace(/ /g, '.')} → ${Math.round(el.getBoundingClientRect().right)}px`,
      );
    return `${overflow}px too wide: ${culprits.join(', ')}`;
  });
}

/** Waits until `count` matched <img> have decoded with a real size (a broken signed URL never does). */
export async function imagesLoaded(page: Page, selector: string, count: number): Promise<void> {
  await page.waitForFunction(
    ([sel, n]) => {
      const imgs = [...document.querySelectorAll(sel as string)] as HTMLImageElement[];
      return imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0);
    },
    [selector, count] as const,
    { timeout: 15_000 },
  );
}

/** A garment shot: a coloured shape on a plain grey backdrop (what the sandbox matting expects). */
export async function garment(seed: number): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const shape = await sharp({
    create: { width: 360, height: 460, channels: 3, background: { r: 190, g: 25 + seed * 20, b: 35 + seed * 30 } },
  })
    .png()
    .toBuffer();
  const buffer = await sharp({
    create: { width: 900, height: 1000, channels: 3, background: { r: 175, g: 178, b: 180 } },
  })
    .composite([{ input: shape, left: 270, top: 270 }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return { name: `garment-${seed}.jpg`, mimeType: 'image/jpeg', buffer };
}
