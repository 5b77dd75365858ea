/**
 * Turns a video frame's coded RGBA pixels upright. A frame made from an ImageBitmap decoded with
 * `imageOrientation: 'from-image'` keeps the stored pixels and carries the EXIF orientation as a
 * clockwise `rotation` and a horizontal `flip`, applied in that order (checked in Chromium 156
 * against a canvas draw of the same bitmap, for all 8 EXIF orientations).
 */

/** The display size of a coded frame under `rotation`. */
export function uprightSize(codedWidth: number, codedHeight: number, rotation: number) {
  return rotation % 180 === 0
    ? { width: codedWidth, height: codedHeight }
    : { width: codedHeight, height: codedWidth };
}

/**
 * The upright RGBA pixels of `coded` (`codedWidth` × `codedHeight`, rows `stride` bytes apart):
 * rotated clockwise by `rotation` (0, 90, 180 or 270), then mirrored left to right when `flip`.
 */
export function orientPixels(
  coded: Uint8ClampedArray,
  codedWidth: number,
  codedHeight: number,
  stride: number,
  rotation: number,
  flip: boolean,
): Uint8ClampedArray<ArrayBuffer> {
  const { width, height } = uprightSize(codedWidth, codedHeight, rotation);
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let shown = 0; shown < width; shown++) {
      const x = flip ? width - 1 - shown : shown;
      // Where display pixel (x, y) of the rotated frame sits in the coded one.
      let u = x;
      let v = y;
      if (rotation === 90) {
        u = y;
        v = codedHeight - 1 - x;
      } else if (rotation === 180) {
        u = codedWidth - 1 - x;
        v = codedHeight - 1 - y;
      } else if (rotation === 270) {
        u = codedWidth - 1 - y;
        v = x;
      }
      const from = v * stride + u * 4;
      const to = (y * width + shown) * 4;
      out[to] = coded[from];
      out[to + 1] = coded[from + 1];
      out[to + 2] = coded[from + 2];
      out[to + 3] = 255;
    }
  }
  return out;
}
