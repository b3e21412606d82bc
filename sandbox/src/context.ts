import type { CallCounter } from './calls';
import type { AuditOutcome } from './ci/audit';
import type { CiOutcome } from './ci/ci.service';
import type { SandboxKeys } from './keys';
import type { OutcomeScript } from './script';
import type { StsBook } from './sts/sts-book';

export type RunningHubOutcome = 'success' | 'fail' | 'hang';

export interface CosSettings {
  secretId: string;
  secretKey: string;
  /** `<name>-<appid>`; accepted as a leading path segment for ForcePathStyle clients. */
  bucket: string;
}

export interface RunningHubSettings {
  apiKey: string;
  /** How long a run stays QUEUED. */
  queueMs: number;
  /** How long a run stays RUNNING before its outcome is visible. */
  runMs: number;
}

/** What every vendor module of the running sandbox shares. */
export interface SandboxContext {
  /** `<dataDir>/sandbox`: everything the sandbox writes lives below it. */
  root: string;
  cos: CosSettings;
  keys: SandboxKeys;
  runninghub: RunningHubSettings;
  /** The clock RunningHub runs move on (ms since the epoch); tests move it instead of waiting. */
  now: () => number;
  /** Base URL others reach the sandbox at (no trailing slash), known once listening. */
  publicUrl: () => string;
  calls: CallCounter;
  /** Temporary COS credentials issued by the sandbox's STS, with their policies. */
  sts: StsBook;
  ciScript: OutcomeScript<CiOutcome>;
  /** Outcomes of CI's image audit (`sensitive-content-recognition`). */
  auditScript: OutcomeScript<AuditOutcome>;
  runninghubScript: OutcomeScript<RunningHubOutcome>;
}
