/** Image + text queries for two-tower models: a weighted sum of the unit embeddings, renormalised. */

/**
 * Writes `(1 - textWeight) · image + textWeight · text`, L2-normalised, into `out` (a new array
 * when absent). Both inputs are unit vectors of one dimension; textWeight lies in [0, 1].
 */
export function combineQuery(
  image: ArrayLike<number>,
  text: ArrayLike<number>,
  textWeight: number,
  out = new Float32Array(image.length),
): Float32Array {
  if (image.length !== text.length || out.length !== image.length) {
    throw new RangeError(`image (${image.length}) and text (${text.length}) must share one dim`);
  }
  if (!(textWeight >= 0 && textWeight <= 1)) {
    throw new RangeError(`the text weight must lie in [0, 1], not ${textWeight}`);
  }
  let sum = 0;
  for (let j = 0; j < out.length; j++) {
    out[j] = (1 - textWeight) * image[j] + textWeight * text[j];
    sum += out[j] * out[j];
  }
  // Opposite vectors at equal weight cancel out: fall back to the image.
  if (sum < 1e-12) for (let j = 0; j < out.length; j++) out[j] = image[j];
  else {
    const inv = 1 / Math.sqrt(sum);
    for (let j = 0; j < out.length; j++) out[j] *= inv;
  }
  return out;
}
