/** The search worker: owns the ONNX session and the index, behind one typed comlink API. */
import { expose } from 'comlink';

const api = {
  ping(): string {
    return 'pong';
  },
};

expose(api);
export type SearchApi = typeof api;
