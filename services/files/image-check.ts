/**
 * Images are checked by decoding them (sharp / libvips), not by their first bytes: a PNG signature
 * and IHDR followed by an HTML page passes a signature check but is no image. Avatars, shown to
 * anyone, are also re-encoded, so what is served is pixels we produced: no trailing payload, no
 * metadata (EXIF location), orientation applied, at most AVATAR_MAX_EDGE pixels a side.
 */
import sharp, { type FormatEnum } from 'sharp';

export type ImageContentType = 'image/png' | 'image/jpeg' | 'image/webp';

const FORMATS = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/webp': 'webp' } as const satisfies Record<ImageContentType, keyof FormatEnum>;

/** Refuses decompression bombs before decoding: 25 megapixels is a large phone photo or a scanned page. */
export const MAX_IMAGE_PIXELS = 25_000_000;
export const AVATAR_MAX_EDGE = 1024;

export const isImageContentType = (contentType: string): contentType is ImageContentType => contentType in FORMATS;

const open = (bytes: Buffer) => sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_IMAGE_PIXELS, animated: false });

const PNG_IEND = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/**
 * Whether the file ends where its image ends. Decoders stop at the end of the image and ignore what
 * follows, so a whole valid PNG with an HTML page appended would otherwise pass.
 */
function endsWithTheImage(bytes: Buffer, contentType: ImageContentType): boolean {
  switch (contentType) {
    case 'image/png':
      return bytes.subarray(-PNG_IEND.length).equals(PNG_IEND);
    case 'image/jpeg':
      // Cameras append trailers after the image (Samsung's SEFT, Google's motion photos): not checked.
      return true;
    case 'image/webp':
      // RIFF's size field counts every byte after the first eight.
      return bytes.length >= 12 && bytes.readUInt32LE(4) === bytes.length - 8;
  }
}

/**
 * The image's dimensions when the bytes fully decode as the declared format and nothing follows the
 * image; undefined for anything else (another format, a truncated or corrupt body, a polyglot, too
 * many pixels).
 */
export async function decodeImage(bytes: Buffer, contentType: ImageContentType): Promise<{ width: number; height: number } | undefined> {
  if (!endsWithTheImage(bytes, contentType)) return undefined;
  try {
    const metadata = await open(bytes).metadata();
    if (metadata.format !== FORMATS[contentType] || !metadata.width || !metadata.height) return undefined;
    // Every pixel, not just the header: a body that is not image data fails here.
    const { info } = await open(bytes).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height };
  } catch {
    return undefined;
  }
}

/** The avatar re-encoded in its declared format: upright, metadata stripped, within AVATAR_MAX_EDGE. */
export async function reencodeAvatar(bytes: Buffer, contentType: ImageContentType): Promise<Buffer> {
  const image = open(bytes).rotate().resize(AVATAR_MAX_EDGE, AVATAR_MAX_EDGE, { fit: 'inside', withoutEnlargement: true });
  return image.toFormat(FORMATS[contentType]).toBuffer();
}
