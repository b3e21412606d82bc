import { isVideoUrl } from '../components/VideoAlbum';

describe('video album in the portal', () => {
  it('tells the album MP4 from images by the signed URL path, not its query', () => {
    expect(isVideoUrl('http://127.0.0.1:9400/output/u/t/01.mp4?q-sign-algorithm=sha1&q-signature=x')).toBe(true);
    expect(isVideoUrl('https://b.cos.ap-shanghai.myqcloud.com/output/u/t/01.MP4')).toBe(true);
    expect(isVideoUrl('http://127.0.0.1:9400/output/u/t/01.png?x=a.mp4')).toBe(false);
    expect(isVideoUrl(undefined)).toBe(false);
    expect(isVideoUrl('')).toBe(false);
  });
});
