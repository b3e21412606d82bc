import { fileNameFromDisposition, resultNameOf } from '../lib/download';

describe('download names', () => {
  it('reads the UTF-8 name of a Content-Disposition first, then the plain one', () => {
    expect(
      fileNameFromDisposition(`attachment; filename="_T_.zip"; filename*=UTF-8''%E7%99%BDT%E6%81%A4.zip`, 'x.zip'),
    ).toBe('白T恤.zip');
    expect(fileNameFromDisposition('attachment; filename="plain name.zip"', 'x.zip')).toBe('plain name.zip');
    expect(fileNameFromDisposition(`attachment; filename="ok.zip"; filename*=UTF-8''%E7%99`, 'x.zip')).toBe('ok.zip');
    expect(fileNameFromDisposition(null, 'fallback.zip')).toBe('fallback.zip');
  });

  it('names a result as the server does, else after its URL', () => {
    const urls = ['https://storage.test/output/u/t/01.png?sign=1', 'https://storage.test/output/u/t/02.png?sign=2'];
    expect(resultNameOf({ resultNames: ['裙_pose01.png', '裙_pose02.png'], resultUrls: urls }, 1, 'x.png')).toBe(
      '裙_pose02.png',
    );
    expect(resultNameOf({ resultUrls: urls }, 0, 'x.png')).toBe('01.png');
  });
});
