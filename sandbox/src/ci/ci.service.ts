import { CosError } from '../cos/cos-errors';
import type { ObjectStore } from '../cos/object-store';
import type { OutcomeScript } from '../script';
import type { XmlNode } from '../xml';
import { parsePicOperations, resolveFileId } from './pic-operations';
import { describeImage, runSteps, type ProcessedImage } from './pipeline';
import { PrecomputedResults, type CiMode } from './precomputed';
import { parseGoodsMatting, parseRule, type RuleStep } from './rules';

export type CiOutcome = 'success' | 'fail';

/**
 * Tencent CI on the sandbox bucket: persistent processing (`image_process`, or a PUT
 * carrying Pic-Operations) and download-time GoodsMatting.
 */
export class CiService {
  private readonly precomputed: PrecomputedResults | null;

  constructor(
    private readonly store: ObjectStore,
    private readonly script: OutcomeScript<CiOutcome>,
    /** `host[:port]` used in `Location` values, as COS reports `<bucket host>/<key>`. */
    private readonly locationHost: () => string,
    mode: CiMode = 'pixels',
  ) {
    this.precomputed = mode === 'precomputed' ? new PrecomputedResults() : null;
  }

  /** The rule's result: on the source's pixels, or the precomputed one (see `CiMode`). */
  private run(source: Buffer, steps: RuleStep[]): Promise<ProcessedImage> {
    return this.precomputed ? this.precomputed.resultOf(steps) : runSteps(source, steps);
  }

  /** A scripted failure looks like CI refusing the image, which callers must not retry. */
  private checkScript(): void {
    if (this.script.take()?.outcome === 'fail') {
      throw new CosError(400, 'ImageProcessFailed', 'Sandbox scripted CI failure (POST /sandbox/ci/script).');
    }
  }

  /** Runs every rule of the Pic-Operations header on the stored source and answers `UploadResult`. */
  async processStored(sourceKey: string, picOperations: string | undefined): Promise<XmlNode> {
    const ops = parsePicOperations(picOperations);
    const plans = ops.rules.map((r) => ({ key: resolveFileId(sourceKey, r.fileid), steps: parseRule(r.rule) }));
    const source = await this.store.require(sourceKey);
    this.checkScript();
    const results: XmlNode[] = [];
    for (const plan of plans) {
      const out = await this.run(source.body, plan.steps);
      const meta = await this.store.put(plan.key, out.body, out.contentType);
      results.push(this.resultObject(plan.key, out, meta.etag));
    }
    const info = await describeImage(source.body);
    return {
      UploadResult: {
        OriginalInfo: {
          Key: sourceKey,
          Location: `${this.locationHost()}/${sourceKey}`,
          ImageInfo:
            ops.is_pic_info === 1
              ? {
                  Format: info.format.toUpperCase(),
                  Width: info.width,
                  Height: info.height,
                  Orientation: info.orientation,
                }
              : undefined,
          ETag: source.meta.etag,
        },
        // One rule → one <Object>; several → repeated <Object> elements (an array when parsed).
        ProcessResults: { Object: results },
      },
    };
  }

  /** `GET /<key>?ci-process=GoodsMatting[&center-layout=1]`: the matted PNG, not stored. */
  async goodsMatting(key: string, query: URLSearchParams): Promise<ProcessedImage> {
    // Everything but the signed-URL fields is a processing parameter (unknown ones → 400).
    const params = new URLSearchParams();
    for (const [name, value] of query) {
      if (!name.startsWith('q-') && name !== 'x-cos-security-token' && !name.startsWith('response-'))
        params.append(name, value);
    }
    const step = parseGoodsMatting(params.toString());
    const source = await this.store.require(key);
    this.checkScript();
    return this.run(source.body, [step]);
  }

  private resultObject(key: string, out: ProcessedImage, etag: string): XmlNode {
    return {
      Key: key,
      Location: `${this.locationHost()}/${key}`,
      Format: out.format,
      Width: out.width,
      Height: out.height,
      Size: out.body.length,
      ETag: etag,
    };
  }
}
