import {
  NodeOperationError,
  NodeConnectionTypes,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';

import { runPerItemMulti } from '../../common/run-items';
import { downloadFile } from '../../transport/download';
import { RenderError, renderSlideshow } from './run-ffmpeg';
import { DEFAULT_OPTIONS, MAX_IMAGES, isMusicTrack, timing, type SlideshowOptions } from './slideshow';

/** URLs from what an expression may give: a list of URLs or of `{ url }` / `{ fileUrl }` items, or JSON text. */
export function imageUrls(value: unknown): string[] {
  let list = value;
  if (typeof value === 'string') {
    const text = value.trim();
    list = text.startsWith('[') ? (JSON.parse(text) as unknown) : text.split(/[\n,]+/);
  }
  if (!Array.isArray(list)) throw new Error('Image URLs must be a list');
  return list
    .map((entry: unknown) => {
      if (typeof entry === 'object' && entry !== null) {
        const item = entry as { url?: unknown; fileUrl?: unknown };
        return item.url ?? item.fileUrl;
      }
      return entry;
    })
    .map((url) => String(url ?? '').trim())
    .filter((url) => url !== '');
}

function numberOption(options: IDataObject, name: string, fallback: number): number {
  const value = options[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export class FfmpegSlideshow implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'FFmpeg Slideshow',
    name: 'ffmpegSlideshow',
    icon: { light: 'file:../../icons/ffmpegSlideshow.svg', dark: 'file:../../icons/ffmpegSlideshow.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["music"] === "none" ? "no music" : "music: " + $parameter["music"] }}',
    description:
      'Render an MP4 slideshow (1080×1440, about 15 s, crossfades, optional bundled music) from images with FFmpeg',
    defaults: { name: 'FFmpeg Slideshow' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    properties: [
      {
        displayName: 'Images From',
        name: 'source',
        type: 'options',
        default: 'urls',
        options: [
          {
            name: 'URLs',
            value: 'urls',
            description: 'Download each image from a (signed) URL, e.g. the source task’s results the trigger received',
          },
          {
            name: 'Binary Fields',
            value: 'binary',
            description: 'Use images already in this item’s binary fields',
          },
        ],
      },
      {
        displayName: 'Image URLs',
        name: 'urls',
        type: 'json',
        default: '={{ $json.inputs.source.items }}',
        required: true,
        displayOptions: { show: { source: ['urls'] } },
        description:
          'The images in slideshow order: a list of URLs, or of items with a `url` (as the trigger gives them)',
        hint: 'For a video album task the trigger gives the source task’s results as inputs.source.items',
      },
      {
        displayName: 'Binary Fields',
        name: 'binaryFields',
        type: 'string',
        default: 'data',
        required: true,
        displayOptions: { show: { source: ['binary'] } },
        description: 'Comma-separated names of the binary fields holding the images, in slideshow order',
      },
      {
        displayName: 'Music',
        name: 'music',
        type: 'options',
        default: 'none',
        options: [
          { name: 'None', value: 'none', description: 'A silent video (no audio stream)' },
          { name: 'Calm', value: 'calm', description: 'A slow, soft pad' },
          { name: 'Bright', value: 'bright', description: 'A light plucked arpeggio' },
        ],
        description: 'A track bundled with the node, faded out at the end',
        hint: 'Map the task’s choice with an expression, e.g. {{ $json.params.music }}',
      },
      {
        displayName: 'Options',
        name: 'options',
        type: 'collection',
        placeholder: 'Add Option',
        default: {},
        options: [
          {
            displayName: 'Duration (Seconds)',
            name: 'durationSeconds',
            type: 'number',
            typeOptions: { minValue: 2, maxValue: 120 },
            default: DEFAULT_OPTIONS.durationSeconds,
            description: 'Length of the whole video; each image is shown for an equal share',
          },
          {
            displayName: 'FFmpeg Binary',
            name: 'binary',
            type: 'string',
            default: 'ffmpeg',
            description: 'The FFmpeg program: a name found on the n8n host’s PATH, or its full path',
          },
          {
            displayName: 'File Name',
            name: 'fileName',
            type: 'string',
            default: 'album.mp4',
            description: 'Name of the MP4 in the output binary field',
          },
          {
            displayName: 'Height',
            name: 'height',
            type: 'number',
            typeOptions: { minValue: 16, maxValue: 4096 },
            default: DEFAULT_OPTIONS.height,
            description: 'Frame height in pixels (even); images are fitted inside on white',
          },
          {
            displayName: 'Output Binary Field',
            name: 'outputField',
            type: 'string',
            default: 'data',
            description: 'Binary field the MP4 is written to (COS Mirror reads "data" by default)',
          },
          {
            displayName: 'Timeout (Seconds)',
            name: 'timeoutSeconds',
            type: 'number',
            typeOptions: { minValue: 5, maxValue: 1800 },
            default: 180,
            description: 'FFmpeg is stopped and the item fails after this long',
          },
          {
            displayName: 'Transition (Seconds)',
            name: 'transitionSeconds',
            type: 'number',
            typeOptions: { minValue: 0.1, maxValue: 5, numberPrecision: 2 },
            default: DEFAULT_OPTIONS.transitionSeconds,
            description: 'Length of each crossfade; shortened when there are many images',
          },
          {
            displayName: 'Width',
            name: 'width',
            type: 'number',
            typeOptions: { minValue: 16, maxValue: 4096 },
            default: DEFAULT_OPTIONS.width,
            description: 'Frame width in pixels (even)',
          },
        ],
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return runPerItemMulti(this, async (itemIndex) => {
      const node = this.getNode();
      const source = this.getNodeParameter('source', itemIndex, 'urls') as string;
      const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
      const music = String(this.getNodeParameter('music', itemIndex, 'none') || 'none');
      if (music !== 'none' && !isMusicTrack(music)) {
        throw new NodeOperationError(node, `Unknown music "${music}"`, {
          itemIndex,
          description: 'Use none, calm or bright',
        });
      }
      const settings: SlideshowOptions = {
        width: numberOption(options, 'width', DEFAULT_OPTIONS.width),
        height: numberOption(options, 'height', DEFAULT_OPTIONS.height),
        durationSeconds: numberOption(options, 'durationSeconds', DEFAULT_OPTIONS.durationSeconds),
        transitionSeconds: numberOption(options, 'transitionSeconds', DEFAULT_OPTIONS.transitionSeconds),
        fps: DEFAULT_OPTIONS.fps,
      };
      if (settings.width % 2 || settings.height % 2) {
        throw new NodeOperationError(node, 'Width and height must be even numbers (H.264 with yuv420p)', {
          itemIndex,
        });
      }

      const images: Buffer[] = [];
      if (source === 'binary') {
        const fields = String(this.getNodeParameter('binaryFields', itemIndex, 'data'))
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
        for (const field of fields) {
          this.helpers.assertBinaryData(itemIndex, field);
          images.push(await this.helpers.getBinaryDataBuffer(itemIndex, field));
        }
      } else {
        let urls: string[];
        try {
          urls = imageUrls(this.getNodeParameter('urls', itemIndex));
        } catch (error) {
          throw new NodeOperationError(node, `Image URLs: ${(error as Error).message}`, {
            itemIndex,
            description: 'Map a list of URLs, e.g. {{ $json.inputs.source.items }}',
          });
        }
        if (urls.length > MAX_IMAGES) {
          throw new NodeOperationError(node, `${urls.length} images; a slideshow takes at most ${MAX_IMAGES}`, {
            itemIndex,
          });
        }
        for (const url of urls) images.push((await downloadFile(this, url, itemIndex)).data);
      }
      if (images.length === 0) throw new NodeOperationError(node, 'No images for the slideshow', { itemIndex });
      if (images.length > MAX_IMAGES) {
        throw new NodeOperationError(node, `${images.length} images; a slideshow takes at most ${MAX_IMAGES}`, {
          itemIndex,
        });
      }

      let video: Buffer;
      try {
        video = await renderSlideshow({
          images,
          music: music === 'none' ? undefined : (music as 'calm' | 'bright'),
          options: settings,
          binary: String(options.binary ?? '').trim() || 'ffmpeg',
          timeoutMs: numberOption(options, 'timeoutSeconds', 180) * 1000,
          signal: this.getExecutionCancelSignal(),
        });
      } catch (error) {
        if (error instanceof RenderError)
          throw new NodeOperationError(node, error.message, { itemIndex, description: error.detail });
        throw new NodeOperationError(node, error as Error, { itemIndex });
      }
      const fileName = String(options.fileName ?? '').trim() || 'album.mp4';
      const field = String(options.outputField ?? '').trim() || 'data';
      const binary = await this.helpers.prepareBinaryData(video, fileName, 'video/mp4');
      const { clipSeconds, transitionSeconds } = timing(images.length, settings);
      return [
        {
          json: {
            fileName,
            mimeType: 'video/mp4',
            bytes: video.length,
            images: images.length,
            durationSeconds: settings.durationSeconds,
            width: settings.width,
            height: settings.height,
            music,
            clipSeconds,
            transitionSeconds,
          },
          binary: { [field]: binary },
          pairedItem: { item: itemIndex },
        },
      ];
    });
  }
}
