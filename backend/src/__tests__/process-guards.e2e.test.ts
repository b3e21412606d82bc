import { waitFor } from '../../../jest/wait-for';
import { FAULT_PROBE, startBackendProcess, type BackendProcess } from '../testing/backend-process';

jest.setTimeout(60_000);

const logged = (backend: BackendProcess, msg: string) =>
  backend.output
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === msg);

/** The backend process with a probe that rejects or throws on a signal (testing/fault-probe.ts). */
describe('process-level faults in the backend process', () => {
  let backend: BackendProcess;

  beforeAll(async () => {
    backend = await startBackendProcess({}, { preload: [FAULT_PROBE] });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('logs an unhandled rejection and keeps serving', async () => {
    backend.child.kill('SIGUSR2');
    const [entry] = await waitFor(
      () => logged(backend, 'unhandled promise rejection'),
      (found) => found.length > 0,
      { what: 'the rejection logged' },
    );
    expect(entry).toMatchObject({ level: 50, err: { message: 'probe: unhandled rejection' } });
    expect((await fetch(`${backend.url}/health`)).status).toBe(200);
    expect(backend.child.exitCode).toBeNull();
  });

  it('logs an uncaught exception, then shuts down and exits with 1', async () => {
    backend.child.kill('SIGHUP');
    expect(await backend.exited).toBe(1);
    expect(logged(backend, 'uncaught exception; shutting down')).toEqual([
      expect.objectContaining({ level: 60, err: expect.objectContaining({ message: 'probe: uncaught exception' }) }),
    ]);
    expect(logged(backend, 'shutting down')).toEqual([expect.objectContaining({ reason: 'uncaughtException' })]);
  });
});
