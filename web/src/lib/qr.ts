/**
 * A QR code as a PNG data URL, drawn by the `qrcode` package. It is imported on first use, so
 * the portal's main chunk does not carry it for merchants who never pay.
 */
export async function qrDataUrl(value: string): Promise<string> {
  const { toDataURL } = await import('qrcode');
  return toDataURL(value, { errorCorrectionLevel: 'M', margin: 2, width: 232 });
}
