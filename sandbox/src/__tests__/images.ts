import sharp from 'sharp';

export interface GarmentPhotoOptions {
  width: number;
  height: number;
  backdrop: string;
  /** Colour of the upper half of the garment. */
  top: string;
  /** Colour of the lower half (defaults to `top`); two colours make orientation visible. */
  bottom?: string;
  /** Horizontal centre of the garment as a fraction of the width (0.5 = centred). */
  centerX?: number;
}

/** A T-shirt shape on a plain backdrop, like a merchant's flat-lay garment shot. */
export function garmentSvg(o: GarmentPhotoOptions): Buffer {
  const cx = o.width * (o.centerX ?? 0.5);
  const cy = o.height / 2;
  const s = Math.min(o.width, o.height) / 2.6;
  const points = [
    [-0.35, -0.5],
    [0.35, -0.5],
    [0.75, -0.2],
    [0.55, 0.05],
    [0.35, -0.1],
    [0.35, 0.55],
    [-0.35, 0.55],
    [-0.35, -0.1],
    [-0.55, 0.05],
    [-0.75, -0.2],
  ]
    .map(([x, y]) => `${(cx + x * s).toFixed(1)},${(cy + y * s).toFixed(1)}`)
    .join(' ');
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0.5" stop-color="${o.top}"/><stop offset="0.5" stop-color="${o.bottom ?? o.top}"/>
  </linearGradient></defs>
  <rect width="100%" height="100%" fill="${o.backdrop}"/>
  <polygon points="${points}" fill="url(#g)"/>
</svg>`);
}

export function garmentJpeg(o: GarmentPhotoOptions): Promise<Buffer> {
  return sharp(garmentSvg(o)).jpeg({ quality: 92 }).toBuffer();
}

/** Raw RGBA pixels with a pixel reader, for assertions on real image content. */
export async function pixels(
  image: Buffer,
): Promise<{ width: number; height: number; at(x: number, y: number): [number, number, number, number] }> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    at(x, y) {
      const i = (y * info.width + x) * 4;
      return [data[i], data[i + 1], data[i + 2], data[i + 3]];
    },
  };
}
