import { parsePicOperations, resolveFileId } from '../pic-operations';

describe('Pic-Operations', () => {
  it('resolves an absolute fileid from the bucket root and a relative one beside the source', () => {
    expect(resolveFileId('input/u1/a.jpg', '/output/u1/t1/main.jpg')).toBe('output/u1/t1/main.jpg');
    expect(resolveFileId('input/u1/a.jpg', 'a-800.jpg')).toBe('input/u1/a-800.jpg');
    expect(resolveFileId('a.jpg', 'b.jpg')).toBe('b.jpg');
  });

  it('parses the header and rejects bad JSON, no rules or more than 5 rules', () => {
    expect(
      parsePicOperations('{"is_pic_info":1,"rules":[{"fileid":"/o.jpg","rule":"imageMogr2/auto-orient"}]}'),
    ).toEqual({
      is_pic_info: 1,
      rules: [{ fileid: '/o.jpg', rule: 'imageMogr2/auto-orient' }],
    });
    const rule = { fileid: 'x.jpg', rule: 'imageMogr2/auto-orient' };
    for (const header of [undefined, '{', '{"rules":[]}', JSON.stringify({ rules: Array(6).fill(rule) })]) {
      expect(() => parsePicOperations(header)).toThrow(
        expect.objectContaining({ status: 400, code: 'InvalidArgument' }),
      );
    }
  });
});
