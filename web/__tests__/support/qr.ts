import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import sharp from 'sharp';

/**
 * Reads the QR code an <img> shows, the way a phone's camera would: decodes the picture's
 * pixels (jsQR), so a test proves the code carries the payment link, not just that an image exists.
 */
export async function readQr(page: Page, selector: string): Promise<string> {
  await page.waitForSelector(`${selector}[src^="data:image/png"]`);
  const src = (await page.getAttribute(selector, 'src')) ?? '';
  const png = Buffer.from(src.slice(src.indexOf(',') + 1), 'base64');
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const code = jsQR(new Uint8ClampedArray(data), info.width, info.height);
  if (!code) throw new Error(`no QR code readable in ${selector}`);
  return code.data;
}
