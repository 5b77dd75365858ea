/**
 * Eigenvalues and eigenvectors of a real symmetric matrix by cyclic Jacobi rotations, in float64:
 * slow (O(n³) per sweep) but short and exact enough for the few-hundred-dimension covariances that
 * learned whitening needs.
 */

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** n x n, row i is the unit eigenvector of values[i]. */
  vectors: Float64Array;
}

/** One Jacobi rotation in the (p, q) plane that zeroes a[p][q]; v collects the rotations as rows. */
function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q];
  const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p];
    const akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k];
    const aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
    const vpk = v[p * n + k];
    const vqk = v[q * n + k];
    v[p * n + k] = c * vpk - s * vqk;
    v[q * n + k] = s * vpk + c * vqk;
  }
}

/** `matrix`: n x n row-major, symmetric (only read, never changed). */
export function symmetricEigen(
  matrix: ArrayLike<number>,
  n: number,
  maxSweeps = 60,
): SymmetricEigen {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += a[i] * a[i];
  const tolerance = 1e-26 * scale;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off <= tolerance) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) if (a[p * n + q] !== 0) rotate(a, v, n, p, q);
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  order.forEach((i, r) => vectors.set(v.subarray(i * n, (i + 1) * n), r * n));
  return { values, vectors };
}
