import path from 'node:path';
import { SANDBOX_COS_DEFAULTS } from '../modules/media/storage.config';

/** The little of the vendor sandbox that backend tests use. */
export interface TestSandbox {
  url: string;
  close(): Promise<void>;
}

export interface TestSandboxOptions {
  /** The sandbox writes its objects and payment keys here; give the backend the same DATA_DIR. */
  dataDir: string;
  cos?: { secretId: string; secretKey: string; bucket: string };
  runningHubKey?: string;
}

type CreateSandbox = (options: {
  dataDir: string;
  port: number;
  cos: { secretId: string; secretKey: string; bucket: string };
  runninghub: { apiKey: string };
}) => Promise<TestSandbox>;

/**
 * The sandbox is another workspace, outside backend's tsconfig rootDir (and its package's
 * `main` points at a build tests do not produce), so it is loaded by path at run time (Jest
 * transforms its TypeScript) and typed by the little used here.
 */
const SANDBOX_ENTRY = path.resolve(__dirname, '../../../sandbox/src/index.ts');

/** The real vendor sandbox in this process, on a free port. */
export async function startTestSandbox(options: TestSandboxOptions): Promise<TestSandbox> {
  const { createSandbox } = (await import(SANDBOX_ENTRY)) as { createSandbox: CreateSandbox };
  return createSandbox({
    dataDir: options.dataDir,
    port: 0,
    cos: options.cos ?? { ...SANDBOX_COS_DEFAULTS },
    runninghub: { apiKey: options.runningHubKey ?? 'test-runninghub-key' },
  });
}
