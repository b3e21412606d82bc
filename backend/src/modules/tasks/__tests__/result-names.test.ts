import { readFileSync } from 'node:fs';
import path from 'node:path';
import { attachmentHeader } from '../../media/zip.service';
import { cleanUploadName } from '../../media/upload-name';
import { fileStem, resultFileNames, resultZipEntries, zipFileName } from '../result-names';

const out = (task: string, file: string) => `output/u1/${task}/${file}`;

describe('result download names', () => {
  it('names results after the upload: <stem>_main.jpg, <stem>_pose01.png', () => {
    expect(
      resultFileNames({ id: 't1', type: 'basic_clean', inputName: '白T恤.jpg', resultKeys: [out('t1', 'main.jpg')] }),
    ).toEqual(['白T恤_main.jpg']);
    const poses = ['01.png', '02.png', '12.PNG'].map((f) => out('t2', f));
    expect(
      resultFileNames({ id: 't2', type: 'model_pose12', inputName: 'dress.final.webp', resultKeys: poses }),
    ).toEqual(['dress.final_pose01.png', 'dress.final_pose02.png', 'dress.final_pose12.png']);
    // Other types keep the bare number; a video keeps its name.
    expect(
      resultFileNames({ id: 't3', type: 'travel', inputName: 'coat.png', resultKeys: [out('t3', '01.png')] }),
    ).toEqual(['coat_01.png']);
    expect(
      resultFileNames({ id: 't4', type: 'video_album', inputName: 'coat.png', resultKeys: [out('t4', 'album.mp4')] }),
    ).toEqual(['coat_album.mp4']);
  });

  it('never uses a storage key or uuid path; an unknown name falls back to a short task id', () => {
    const id = '0f6c2a9e-1b2c-4d5e-8f90-123456789abc';
    const [name] = resultFileNames({ id, type: 'basic_clean', inputName: null, resultKeys: [out(id, 'main.jpg')] });
    expect(name).toBe('aiphoto-0f6c2a9e_main.jpg');
    expect(name).not.toContain('/');
    expect(fileStem({ id, inputName: '...' })).toBe('aiphoto-0f6c2a9e');
    expect(fileStem({ id, inputName: 'CON.jpg' })).toBe('aiphoto-0f6c2a9e');
    // Stems are kept by name; a fallback is still each task's own.
    expect(fileStem({ id: '7a7a7a7a-0000-4000-8000-000000000000', inputName: 'CON.jpg' })).toBe('aiphoto-7a7a7a7a');
    expect(fileStem({ id: '7a7a7a7a-0000-4000-8000-000000000000', inputName: '...' })).toBe('aiphoto-7a7a7a7a');
  });

  it('cleans names: no paths, control or reserved characters, bounded length', () => {
    expect(cleanUploadName('C:\\Users\\me\\Desktop\\a.jpg')).toBe('a.jpg');
    expect(cleanUploadName('../../etc/passwd')).toBe('passwd');
    expect(cleanUploadName('bad\u0000na<me>?\u202e.jpg')).toBe('bad na me .jpg');
    expect(cleanUploadName('  .hidden  ')).toBe('hidden');
    expect(cleanUploadName('')).toBeNull();
    expect(cleanUploadName(undefined)).toBeNull();
    const long = cleanUploadName(`${'长'.repeat(300)}.jpeg`)!;
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith('.jpeg')).toBe(true);
    expect(Array.from(fileStem({ id: 'x', inputName: long }))).toHaveLength(60);
    // Emoji (surrogate pairs) are never split.
    expect(fileStem({ id: 'x', inputName: `${'😀'.repeat(70)}.png` })).toBe('😀'.repeat(60));
  });

  it('de-duplicates across tasks per stem, keeping each task together', () => {
    const entries = resultZipEntries([
      { id: 'a', type: 'basic_clean', inputName: 'shirt.jpg', resultKeys: [out('a', 'main.jpg')] },
      { id: 'b', type: 'basic_clean', inputName: 'failed.jpg', resultKeys: [] },
      { id: 'c', type: 'basic_clean', inputName: 'SHIRT.png', resultKeys: [out('c', 'main.jpg')] },
      { id: 'd', type: 'model_pose12', inputName: 'shirt.jpg', resultKeys: [out('d', '01.png'), out('d', '02.png')] },
    ]);
    expect(entries).toEqual([
      { name: 'shirt_main.jpg', key: out('a', 'main.jpg') },
      { name: 'SHIRT (2)_main.jpg', key: out('c', 'main.jpg') },
      { name: 'shirt (3)_pose01.png', key: out('d', '01.png') },
      { name: 'shirt (3)_pose02.png', key: out('d', '02.png') },
    ]);
  });

  it('names the archive after the first task and sends a UTF-8 filename*', () => {
    expect(zipFileName([{ id: 'a', inputName: '白T恤.jpg' }])).toBe('白T恤.zip');
    expect(
      zipFileName([
        { id: 'a', inputName: '白T恤.jpg' },
        { id: 'b', inputName: 'x.jpg' },
      ]),
    ).toBe('白T恤_+1.zip');
    expect(attachmentHeader(zipFileName([{ id: 'a', inputName: '白T恤.jpg' }]))).toBe(
      `attachment; filename="_T_.zip"; filename*=UTF-8''%E7%99%BDT%E6%81%A4.zip`,
    );
  });
});

// The examples the AI Photo n8n node's copy of this rule is tested against too: both sides must agree.
describe('the shared result-name vectors', () => {
  const shared = JSON.parse(
    readFileSync(path.resolve(__dirname, '../../../../../n8n-nodes-aiphoto/fixtures/result-name-vectors.json'), 'utf8'),
  ) as {
    vectors: Array<{
      description: string;
      task: { id: string; type: string; inputName: string | null; resultKeys: string[] };
      names: string[];
      zip: string;
    }>;
  };

  it.each(shared.vectors.map((v) => [v.description, v] as const))('%s', (_d, v) => {
    expect(resultFileNames(v.task)).toEqual(v.names);
    expect(zipFileName([v.task])).toBe(v.zip);
  });
});
