/** The decoded-photo shape both decoders produce and `toTensor` reads. */

/** Row-major, unpremultiplied RGBA, 4 bytes per pixel, upright (EXIF orientation applied). */
export interface RgbaImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

/** A decoded photo, plus the upright size of the original (larger when decoding downscaled). */
export interface DecodedImage extends RgbaImage {
  sourceWidth: number;
  sourceHeight: number;
}

/** A rectangle in the pixels of an RgbaImage. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}
