import { estimateBackdrop, matteBackdrop, opaqueBounds, type RgbaImage } from '../matting';

type Paint = (x: number, y: number) => [number, number, number];

function image(width: number, height: number, paint: Paint): RgbaImage {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = paint(x, y);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

const alphaAt = (img: RgbaImage, x: number, y: number) => img.data[(y * img.width + x) * 4 + 3];

/** A deterministic ±6 "sensor noise" so the backdrop is not perfectly flat. */
const noise = (x: number, y: number) => ((x * 7 + y * 13) % 13) - 6;

describe('matting a garment on a plain backdrop', () => {
  // Grey backdrop, red square 40..79, with a grey "print" 55..64 inside the garment.
  const photo = image(120, 120, (x, y) => {
    const inGarment = x >= 40 && x < 80 && y >= 40 && y < 80;
    const inPrint = x >= 55 && x < 65 && y >= 55 && y < 65;
    if (inGarment && !inPrint) return [200, 30, 30];
    const n = noise(x, y);
    return [140 + n, 140 + n, 140 + n];
  });

  it('estimates the backdrop colour and its noise from the border', () => {
    const { color, noise: level } = estimateBackdrop(photo);
    for (const c of color) expect(Math.abs(c - 140)).toBeLessThanOrEqual(2);
    expect(level).toBeGreaterThan(0);
    expect(level).toBeLessThan(15);
  });

  it('makes the backdrop transparent and keeps the garment opaque', () => {
    const matte = matteBackdrop(photo);
    for (const [x, y] of [
      [0, 0],
      [119, 119],
      [20, 60],
      [100, 10],
    ])
      expect(alphaAt(matte, x, y)).toBe(0);
    for (const [x, y] of [
      [40, 40],
      [79, 79],
      [50, 70],
    ])
      expect(alphaAt(matte, x, y)).toBe(255);
  });

  it('keeps backdrop-coloured areas enclosed by the garment (a grey print is not punched out)', () => {
    expect(alphaAt(matteBackdrop(photo), 60, 60)).toBe(255);
  });

  it('finds the bounding box of the opaque subject', () => {
    expect(opaqueBounds(matteBackdrop(photo))).toEqual({ left: 40, top: 40, width: 40, height: 40 });
    const empty = matteBackdrop(image(10, 10, () => [90, 90, 90]));
    expect(opaqueBounds(empty)).toBeUndefined();
  });

  it('tolerates a garment touching the border (the median still finds the backdrop)', () => {
    const touching = image(100, 100, (x) => (x < 30 ? [20, 20, 160] : [230, 220, 200]));
    const { color } = estimateBackdrop(touching);
    expect(color).toEqual([230, 220, 200]);
    const matte = matteBackdrop(touching);
    expect(alphaAt(matte, 90, 50)).toBe(0);
    expect(alphaAt(matte, 10, 50)).toBe(255);
  });
});
