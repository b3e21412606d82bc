import {
  checkFile,
  checkPicture,
  DEFAULT_LIMITS,
  formatBytes,
  formatMegapixels,
  formatNames,
  SMALL_SIDE,
  type UploadLimits,
} from '../lib/upload-checks';
import { translate } from '../lib/messages';

const limits: UploadLimits = { maxBytes: 5 * 1024 * 1024, maxPixels: 12_000_000, formats: ['image/jpeg', 'image/png'] };

describe('checkFile', () => {
  it('refuses a type the server does not take, whatever the size', () => {
    expect(checkFile({ type: 'image/webp', size: 10 }, limits)).toBe('format');
    expect(checkFile({ type: 'image/gif', size: 10 }, DEFAULT_LIMITS)).toBe('format');
    expect(checkFile({ type: '', size: 10 }, limits)).toBe('format'); // the browser could not tell
    expect(checkFile({ type: 'application/pdf', size: limits.maxBytes + 1 }, limits)).toBe('format');
  });

  it('refuses a file over maxBytes, and takes one of exactly maxBytes', () => {
    expect(checkFile({ type: 'image/png', size: limits.maxBytes + 1 }, limits)).toBe('tooBig');
    expect(checkFile({ type: 'image/png', size: limits.maxBytes }, limits)).toBeNull();
    expect(checkFile({ type: 'image/jpeg', size: 1 }, limits)).toBeNull();
  });
});

describe('checkPicture', () => {
  it('refuses a picture that did not decode', () => {
    expect(checkPicture(null, limits)).toEqual({ problem: 'unreadable', small: false });
    expect(checkPicture({ width: 0, height: 0 }, limits)).toEqual({ problem: 'unreadable', small: false });
  });

  it('refuses more pixels than the server takes, counting width × height', () => {
    expect(checkPicture({ width: 4000, height: 3001 }, limits)).toEqual({ problem: 'tooManyPixels', small: false });
    expect(checkPicture({ width: 4000, height: 3000 }, limits)).toEqual({ problem: null, small: false });
    // a long thin strip: few pixels but a short side of 100 passes the pixel limit and is small
    expect(checkPicture({ width: 100_000, height: 100 }, limits)).toEqual({ problem: null, small: true });
  });

  it(`warns (does not refuse) under ${SMALL_SIDE} px on the short side`, () => {
    expect(checkPicture({ width: 1200, height: SMALL_SIDE - 1 }, limits)).toEqual({ problem: null, small: true });
    expect(checkPicture({ width: SMALL_SIDE - 1, height: 1200 }, limits)).toEqual({ problem: null, small: true });
    expect(checkPicture({ width: SMALL_SIDE, height: SMALL_SIDE }, limits)).toEqual({ problem: null, small: false });
  });
});

describe('limits in words', () => {
  it('says sizes in binary units, megapixels and format names', () => {
    expect(formatBytes(20 * 1024 * 1024)).toBe('20 MB');
    expect(formatBytes(1.5 * 1024 * 1024)).toBe('1.5 MB');
    expect(formatBytes(800 * 1024)).toBe('800 KB');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatMegapixels(40_000_000)).toBe('40');
    expect(formatMegapixels(12_500_000)).toBe('12.5');
    expect(formatNames(DEFAULT_LIMITS.formats)).toBe('JPG / PNG / WebP');
    expect(formatNames(['image/avif'])).toBe('AVIF');
  });

  it('states the limits in both languages', () => {
    const vars = { formats: 'JPG / PNG', size: '5 MB', mp: '12', side: SMALL_SIDE };
    expect(translate('zh', 'upload.limits', vars)).toBe(
      '支持 JPG / PNG，单张不超过 5 MB、12 百万像素；短边建议不少于 500 像素',
    );
    expect(translate('en', 'upload.limits', vars)).toBe(
      'JPG / PNG, up to 5 MB and 12 megapixels each; at least 500 px on the short side is best',
    );
    expect(translate('en', 'upload.tooBig', { name: 'a.png', size: '5 MB' })).toBe(
      'a.png is larger than 5 MB and was not uploaded',
    );
    expect(translate('zh', 'upload.small', { width: 320, height: 240, side: SMALL_SIDE })).toBe(
      '仅 320×240 像素，短边小于 500 像素，生成效果可能模糊',
    );
  });
});
