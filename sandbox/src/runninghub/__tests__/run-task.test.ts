import { outputsResponse, settlesAt, statusOf, type RunTask } from '../run-task';

function task(overrides: Partial<RunTask> = {}): RunTask {
  return {
    taskId: '1',
    createdAt: 1000,
    queueMs: 100,
    runMs: 200,
    outcome: 'success',
    generation: 'done',
    fileUrls: ['http://127.0.0.1:9400/runninghub/files/1/1.png'],
    outputNodeId: '9',
    webhookSent: false,
    ...overrides,
  };
}

describe('RunningHub task clock', () => {
  it('is QUEUED, then RUNNING, then SUCCESS on the clock', () => {
    expect(statusOf(task(), 1000)).toBe('QUEUED');
    expect(statusOf(task(), 1100)).toBe('RUNNING');
    expect(statusOf(task(), 1299)).toBe('RUNNING');
    expect(statusOf(task(), 1300)).toBe('SUCCESS');
  });

  it('stays RUNNING while the images are still being made, and FAILS when making them failed', () => {
    expect(statusOf(task({ generation: 'pending' }), 5000)).toBe('RUNNING');
    expect(statusOf(task({ generation: 'failed' }), 5000)).toBe('FAILED');
  });

  it('follows the script: fail after the clock, hang forever', () => {
    expect(statusOf(task({ outcome: 'fail' }), 1200)).toBe('RUNNING');
    expect(statusOf(task({ outcome: 'fail' }), 1300)).toBe('FAILED');
    expect(statusOf(task({ outcome: 'hang' }), 10_000_000)).toBe('RUNNING');
    expect(settlesAt(task({ outcome: 'hang' }))).toBeUndefined();
    expect(settlesAt(task())).toBe(1300);
  });

  it('answers /outputs with the vendor codes', () => {
    expect(outputsResponse(task(), 1000)).toEqual({ code: 813, msg: 'APIKEY_TASK_IS_QUEUED', data: null });
    expect(outputsResponse(task(), 1150)).toEqual({ code: 804, msg: 'APIKEY_TASK_IS_RUNNING', data: null });
    expect(outputsResponse(task({ outcome: 'fail' }), 2000)).toMatchObject({
      code: 805,
      data: { failedReason: { node_name: expect.any(String) } },
    });
    expect(outputsResponse(task(), 2000)).toEqual({
      code: 0,
      msg: 'success',
      data: [
        { fileUrl: 'http://127.0.0.1:9400/runninghub/files/1/1.png', fileType: 'png', taskCostTime: '1', nodeId: '9' },
      ],
    });
  });
});
