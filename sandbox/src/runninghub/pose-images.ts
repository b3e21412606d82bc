import sharp from 'sharp';

/** The 12 shots of model_pose12 (docs/architecture.md §9 pose list). */
export const POSE_LABELS = [
  'front view',
  '3/4 view left',
  'side view left',
  'back view',
  '3/4 view right',
  'side view right',
  'walking',
  'standing',
  'sitting',
  'dynamic',
  'close-up',
  'full body',
] as const;

const WIDTH = 576;
const HEIGHT = 768;
/** Where each zoomed shot is cut from, as fractions of the spare width/height. */
const FRAMINGS: Array<[number, number]> = [
  [0.5, 0.5],
  [0.3, 0.4],
  [0.7, 0.4],
  [0.5, 0.2],
  [0.5, 0.8],
  [0.2, 0.6],
  [0.8, 0.6],
];

function escapeSvg(text: string): string {
  return text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
}

/** Caption band with the pose name and a marker whose position encodes the shot number. */
function captionSvg(index: number, label: string): Buffer {
  const markerX = 16 + index * ((WIDTH - 64) / 11);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
  <rect x="0" y="${HEIGHT - 72}" width="${WIDTH}" height="72" fill="#000" fill-opacity="0.55"/>
  <rect x="${markerX}" y="${HEIGHT - 12}" width="32" height="8" fill="#ffcc00"/>
  <text x="20" y="${HEIGHT - 30}" font-family="DejaVu Sans, sans-serif" font-size="28" fill="#fff">${String(index + 1).padStart(2, '0')} · ${escapeSvg(label)}</text>
  <text x="${WIDTH - 20}" y="36" text-anchor="end" font-family="DejaVu Sans, sans-serif" font-size="16" fill="#fff" fill-opacity="0.8">AI Photo sandbox</text>
</svg>`;
  return Buffer.from(svg);
}

/**
 * Stand-in for the RunningHub AI app: 12 different PNGs derived from the reference image
 * (its own pixels, re-cropped, zoomed, mirrored and tinted per shot, captioned with the
 * pose), so a person running the loop locally can see their garment come back 12 ways.
 */
export async function generatePoseImages(input: Buffer, seed = 0): Promise<Buffer[]> {
  const upright = await sharp(input).autoOrient().toBuffer();
  return Promise.all(
    POSE_LABELS.map(async (label, index) => {
      const zoom = 1 + ((index * 7 + seed) % 5) * 0.1;
      const [fx, fy] = FRAMINGS[(index + seed) % FRAMINGS.length];
      const zoomedW = Math.round(WIDTH * zoom);
      const zoomedH = Math.round(HEIGHT * zoom);
      // "attention" keeps the garment (the busiest region) in frame when cutting 3:4 shots.
      const zoomed = await sharp(upright)
        .resize(zoomedW, zoomedH, { fit: 'cover', position: sharp.strategy.attention })
        .toBuffer();
      let shot = sharp(
        await sharp(zoomed)
          .extract({
            left: Math.round((zoomedW - WIDTH) * fx),
            top: Math.round((zoomedH - HEIGHT) * fy),
            width: WIDTH,
            height: HEIGHT,
          })
          .toBuffer(),
      );
      if (label.includes('right') || label === 'back view' || label === 'dynamic') shot = shot.flop();
      // The front view keeps the garment's true colours; the others vary hue and light.
      if (index > 0) shot = shot.modulate({ hue: index * 30, brightness: 0.9 + (index % 3) * 0.08 });
      return shot
        .composite([{ input: captionSvg(index, label), left: 0, top: 0 }])
        .png()
        .toBuffer();
    }),
  );
}
