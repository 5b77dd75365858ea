/** An encoded photo loaded on demand: a file read, or a generated camera query. */
export interface PhotoSource {
  load(): Promise<Uint8Array>;
}
