/** An RGBA image as raw bytes (4 channels, row-major), the shape sharp's `.raw()` gives. */
export interface RgbaImage {
  data: Buffer;
  width: number;
  height: number;
}

export type Rgb = [number, number, number];

/** Colour distance beyond which a border pixel is taken for subject, not backdrop noise. */
const PLAUSIBLE_BACKDROP_DISTANCE = 60;

/** Width of the border ring whose pixels are assumed to show the plain backdrop. */
function borderWidth(width: number, height: number): number {
  return Math.max(2, Math.round(Math.min(width, height) * 0.02));
}

function isBorder(x: number, y: number, width: number, height: number, ring: number): boolean {
  return x < ring || y < ring || x >= width - ring || y >= height - ring;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function distance(data: Buffer, i: number, c: Rgb): number {
  const dr = data[i] - c[0];
  const dg = data[i + 1] - c[1];
  const db = data[i + 2] - c[2];
  return Math.sqrt(dr * dr + dg * dg + db * db);
}

/**
 * Estimates the backdrop colour as the per-channel median of the border ring (robust to
 * a garment that touches one edge) and how noisy the backdrop is (95th percentile of the
 * border pixels' distance to that colour: JPEG noise, gentle light falloff).
 */
export function estimateBackdrop(img: RgbaImage): { color: Rgb; noise: number } {
  const { data, width, height } = img;
  const ring = borderWidth(width, height);
  const channels: [number[], number[], number[]] = [[], [], []];
  const indices: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!isBorder(x, y, width, height, ring)) continue;
      const i = (y * width + x) * 4;
      channels[0].push(data[i]);
      channels[1].push(data[i + 1]);
      channels[2].push(data[i + 2]);
      indices.push(i);
    }
  }
  const color: Rgb = [median(channels[0]), median(channels[1]), median(channels[2])];
  // Only border pixels plausibly showing backdrop count for the noise: a garment touching
  // the edge would otherwise inflate it until the garment itself is matted away.
  const distances = indices
    .map((i) => distance(data, i, color))
    .filter((d) => d < PLAUSIBLE_BACKDROP_DISTANCE)
    .sort((a, b) => a - b);
  return { color, noise: distances[Math.floor(distances.length * 0.95)] ?? 0 };
}

/**
 * Product matting for a garment shot on a plain backdrop: flood-fills from the image
 * border over pixels close to the backdrop colour and makes them transparent, with a soft
 * ramp between the two thresholds so edges do not look cut out. Pixels not connected to
 * the border keep full opacity, so a garment colour that happens to match the backdrop
 * (a grey print on a grey sweater) is not punched through.
 */
export function matteBackdrop(img: RgbaImage): RgbaImage {
  const { width, height } = img;
  const { color, noise } = estimateBackdrop(img);
  const low = Math.max(20, noise * 1.5 + 6);
  const high = low + 30;
  const src = img.data;
  const out = Buffer.from(src);
  const visited = new Uint8Array(width * height);
  const stack: number[] = [];
  const push = (p: number) => {
    if (visited[p]) return;
    visited[p] = 1;
    if (distance(src, p * 4, color) < high) stack.push(p);
  };
  for (let x = 0; x < width; x++) {
    push(x);
    push((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    push(y * width);
    push(y * width + width - 1);
  }
  while (stack.length) {
    const p = stack.pop() as number;
    const d = distance(src, p * 4, color);
    const alpha = d <= low ? 0 : Math.round(((d - low) / (high - low)) * 255);
    out[p * 4 + 3] = Math.min(src[p * 4 + 3], alpha);
    const x = p % width;
    if (x > 0) push(p - 1);
    if (x < width - 1) push(p + 1);
    if (p >= width) push(p - width);
    if (p < width * (height - 1)) push(p + width);
  }
  return { data: out, width, height };
}

/** Bounding box of the pixels that are mostly opaque, or undefined for an empty matte. */
export function opaqueBounds(
  img: RgbaImage,
  minAlpha = 128,
): { left: number; top: number; width: number; height: number } | undefined {
  const { data, width, height } = img;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4 + 3] < minAlpha) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) return undefined;
  return { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}
