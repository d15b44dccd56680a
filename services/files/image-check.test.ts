import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, reencodeAvatar } from './image-check.js';

const pixels = () => sharp({ create: { width: 6, height: 4, channels: 3, background: '#a0c0e0' } });
const HTML = Buffer.from('<html><script>alert(document.domain)</script></html>');

describe('decodeImage', () => {
  it('answers the dimensions of a whole image of the declared format', async () => {
    expect(await decodeImage(await pixels().png().toBuffer(), 'image/png')).toEqual({ width: 6, height: 4 });
    expect(await decodeImage(await pixels().webp().toBuffer(), 'image/webp')).toEqual({ width: 6, height: 4 });
    expect(await decodeImage(await pixels().jpeg().toBuffer(), 'image/jpeg')).toEqual({ width: 6, height: 4 });
  });

  it('refuses another format, a header followed by HTML, and anything appended after the image', async () => {
    const png = await pixels().png().toBuffer();
    const webp = await pixels().webp().toBuffer();
    expect(await decodeImage(png, 'image/webp')).toBeUndefined();
    expect(await decodeImage(Buffer.concat([png.subarray(0, 33), HTML]), 'image/png')).toBeUndefined();
    expect(await decodeImage(Buffer.concat([png, HTML]), 'image/png')).toBeUndefined();
    expect(await decodeImage(Buffer.concat([webp, HTML]), 'image/webp')).toBeUndefined();
    expect(await decodeImage(png.subarray(0, png.length - 20), 'image/png')).toBeUndefined();
  });
});

describe('reencodeAvatar', () => {
  it('keeps the format, shrinks to 1024 px a side and drops what followed the image', async () => {
    const wide = await sharp({ create: { width: 3000, height: 600, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const avatar = await reencodeAvatar(Buffer.concat([wide, HTML]), 'image/jpeg');
    expect(await sharp(avatar).metadata()).toMatchObject({ format: 'jpeg', width: 1024, height: 205 });
    expect(avatar.includes(HTML)).toBe(false);
  });
});
