/** Adam (Kingma & Ba) with decoupled weight decay (AdamW), updating Float32Array tensors in place. */

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled L2 decay per step, scaled by lr (0 disables). */
  weightDecay?: number;
}

export class Adam {
  readonly #params: Float32Array[];
  readonly #m: Float32Array[];
  readonly #v: Float32Array[];
  readonly #options: Required<AdamOptions>;
  #step = 0;

  constructor(params: Float32Array[], options: AdamOptions) {
    this.#params = params;
    this.#m = params.map((p) => new Float32Array(p.length));
    this.#v = params.map((p) => new Float32Array(p.length));
    this.#options = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, ...options };
  }

  /** One update with `grads` (same shapes and order as the parameters). */
  step(grads: Float32Array[], lr = this.#options.lr): void {
    const { beta1, beta2, epsilon, weightDecay } = this.#options;
    this.#step++;
    const c1 = 1 - beta1 ** this.#step;
    const c2 = 1 - beta2 ** this.#step;
    this.#params.forEach((p, t) => {
      const g = grads[t];
      const m = this.#m[t];
      const v = this.#v[t];
      if (g.length !== p.length) throw new RangeError(`Adam: gradient ${t} has the wrong size`);
      for (let i = 0; i < p.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        p[i] -= lr * (m[i] / c1 / (Math.sqrt(v[i] / c2) + epsilon) + weightDecay * p[i]);
      }
    });
  }
}
