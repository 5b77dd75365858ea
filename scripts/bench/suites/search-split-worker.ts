/** A worker holding one slice of the benchmark catalog, for measuring a scan split across workers. */
import { FlatIndex } from '../../../src/shared/search/flat-index.ts';
import { SyntheticCatalog } from './search-data.ts';

type Message =
  | { type: 'load'; n: number; d: number; from: number; to: number; seed: number }
  | { type: 'search'; query: Float32Array; k: number };

let index: FlatIndex | null = null;
let first = 0;

globalThis.onmessage = async (event: MessageEvent<Message>) => {
  const message = event.data;
  if (message.type === 'load') {
    const { n, d, from, to, seed } = message;
    const catalog = new SyntheticCatalog(n, d, seed);
    index = await FlatIndex.create({ dim: d });
    index.reserve(to - from);
    const rows = 8192;
    const codes = new Int8Array(rows * d);
    const scales = new Float32Array(rows);
    for (let at = from; at < to; at += rows) {
      const count = Math.min(rows, to - at);
      catalog.fill(at, count, codes, scales);
      index.append(codes.subarray(0, count * d), scales.subarray(0, count));
    }
    first = from;
    globalThis.postMessage({ loaded: to - from });
    return;
  }
  const result = index!.search(message.query, message.k);
  const indices = result.indices.map((i) => i + first);
  globalThis.postMessage({ indices, scores: result.scores });
};
