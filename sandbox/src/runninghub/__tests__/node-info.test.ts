import { assertFetchable, InputRefusedError } from '../fetch-input';
import { findImageInput, findSeed, runRequestSchema } from '../node-info';

describe('RunningHub inputs', () => {
  const list = runRequestSchema.parse({
    apiKey: 'k',
    webappId: 1877265245566922753n.toString(),
    nodeInfoList: [
      { nodeId: 6, fieldName: 'text', fieldValue: 'see https://example.com in the prompt' },
      { nodeId: '10', fieldName: 'image', fieldValue: 'http://127.0.0.1:9400/input/u1/a.jpg?q-sign-algorithm=sha1' },
      { nodeId: '3', fieldName: 'seed', fieldValue: 123456789 },
    ],
  }).nodeInfoList;

  it('finds the image field by name and the seed', () => {
    expect(findImageInput(list)).toMatchObject({ nodeId: '10', fieldName: 'image' });
    expect(findSeed(list)).toBe(123456789);
    expect(findSeed([])).toBe(0);
  });

  it('falls back to any URL or uploaded file name when no field is called image', () => {
    expect(findImageInput([{ nodeId: '7', fieldName: 'ref', fieldValue: `api/${'a'.repeat(64)}.png` }])).toMatchObject({
      nodeId: '7',
    });
    expect(findImageInput([{ nodeId: '7', fieldName: 'text', fieldValue: 'no image here' }])).toBeUndefined();
  });

  it('only fetches from loopback or the sandbox itself', () => {
    expect(assertFetchable('http://127.0.0.1:9400/a.jpg', '127.0.0.1:9400').host).toBe('127.0.0.1:9400');
    expect(assertFetchable('http://localhost:3000/a.jpg', 'sandbox:9400').hostname).toBe('localhost');
    expect(assertFetchable('http://[::1]:3000/a.jpg', 'sandbox:9400').hostname).toBe('[::1]');
    expect(assertFetchable('http://sandbox:9400/a.jpg', 'sandbox:9400').host).toBe('sandbox:9400');
    for (const url of [
      'http://example.com/a.jpg',
      'http://10.0.0.1/a.jpg',
      'file:///etc/passwd',
      'http://127.0.0.1.nip.io/a.jpg',
      'nonsense',
    ]) {
      expect(() => assertFetchable(url, '127.0.0.1:9400')).toThrow(InputRefusedError);
    }
  });
});
