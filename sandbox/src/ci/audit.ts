import { randomBytes } from 'node:crypto';
import { CosError } from '../cos/cos-errors';
import type { OutcomeScript } from '../script';
import type { XmlNode } from '../xml';

/** Scripted image-audit outcomes (`POST /sandbox/ci/audit/script`). */
export type AuditOutcome = 'pass' | 'reject' | 'error';

/**
 * CI's synchronous image audit (`GET /<key>?ci-process=sensitive-content-recognition`,
 * docs/vendor-facts.md "Tencent CI image audit"). The sandbox does not look at the pixels: every
 * image passes (Result 0, Label Normal, Score 0) unless a script says otherwise: `reject` answers
 * Result 1 with the scripted label (default Porn) and score (default 95), also in the scene's
 * `<Label>Info` block; `pass` may carry a low score in PornInfo (a "normal, slightly suspect"
 * image); `error` answers HTTP 500 InternalError, as a failing vendor would.
 */
export function auditResult(key: string, script: OutcomeScript<AuditOutcome>): XmlNode {
  const entry = script.take();
  if (entry?.outcome === 'error')
    throw new CosError(500, 'InternalError', 'Sandbox scripted audit failure (POST /sandbox/ci/audit/script).');
  const rejected = entry?.outcome === 'reject';
  const score = entry?.score ?? (rejected ? 95 : 0);
  const label = rejected ? (entry?.label ?? 'Porn') : 'Normal';
  const info = (name: string) => {
    const hit = rejected && name === label;
    return { HitFlag: hit ? 1 : 0, Score: hit || (name === 'Porn' && !rejected) ? score : 0, Label: hit ? label : '' };
  };
  return {
    RecognitionResult: {
      JobId: `si${randomBytes(12).toString('hex')}`,
      State: 'Success',
      Object: key,
      Result: rejected ? 1 : 0,
      Label: label,
      SubLabel: '',
      Category: rejected ? label : '',
      Score: rejected ? score : 0,
      PornInfo: info('Porn'),
      AdsInfo: info('Ads'),
      IllegalInfo: info('Illegal'),
      AbuseInfo: info('Abuse'),
    },
  };
}
