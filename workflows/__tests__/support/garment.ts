import sharp from 'sharp';

/**
 * A "garment shot on a plain backdrop": a dark-red shape on light grey, landscape, the
 * kind of photo basic_clean is for. The sandbox's matting turns the backdrop white.
 */
export async function garmentPhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">
    <rect width="1200" height="900" fill="#d9d9d9"/>
    <path d="M450 150 L750 150 L900 300 L820 380 L760 330 L760 780 L440 780 L440 330 L380 380 L300 300 Z" fill="#8b1a1a"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
}

/** The four corner pixels (RGB) of an image. */
export async function cornerPixels(
  image: Buffer,
): Promise<{ width: number; height: number; format: string; corners: number[][] }> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const meta = await sharp(image).metadata();
  const at = (x: number, y: number) => {
    const i = (y * info.width + x) * info.channels;
    return [data[i], data[i + 1], data[i + 2]];
  };
  const [w, h] = [info.width - 1, info.height - 1];
  return {
    width: info.width,
    height: info.height,
    format: meta.format ?? '?',
    corners: [at(0, 0), at(w, 0), at(0, h), at(w, h)],
  };
}
