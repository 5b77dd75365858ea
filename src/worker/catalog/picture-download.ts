/**
 * Saves every picture pack for offline use, in the background after "ready": one pack at a time,
 * each started only while no search runs, skipping packs already stored (so it resumes where the
 * last visit stopped), and stopping quietly when offline or when storage is full. Without `go`
 * it only counts what is stored ('waiting' for the shopper's consent when something is missing).
 */
import type { PictureProgress } from '../../engine-api/api-types.ts';
import { CatalogError, isAbortError } from '../../storage/errors.ts';
import type { Pictures } from './pictures.ts';

export async function savePictures(
  pictures: Pictures,
  idle: () => Promise<void>,
  onProgress: (progress: PictureProgress) => void,
  go: boolean,
  signal?: AbortSignal,
): Promise<PictureProgress> {
  const totalBytes = pictures.packs.reduce((sum, file) => sum + file.ref.bytes, 0);
  const missing: number[] = [];
  let savedBytes = 0;
  for (let pack = 0; pack < pictures.packs.length; pack++) {
    if (await pictures.storedPack(pack)) savedBytes += pictures.packs[pack].ref.bytes;
    else missing.push(pack);
  }
  const report = (state: PictureProgress['state'], loaded = 0): PictureProgress => {
    const progress = { state, savedBytes: savedBytes + loaded, totalBytes };
    onProgress(progress);
    return progress;
  };
  if (!missing.length) return report(pictures.full ? 'full' : 'done');
  if (!go) return report('waiting');
  for (const pack of missing) {
    report('saving');
    await idle();
    try {
      await pictures.savePack(pack, { signal, onBytes: (loaded) => report('saving', loaded) });
    } catch (error) {
      if (isAbortError(error)) throw error;
      // Offline or the host failing: the next visit (or the next call) resumes from here.
      if (error instanceof CatalogError && error.code === 'offline') return report('offline');
      throw error;
    }
    savedBytes += pictures.packs[pack].ref.bytes;
    if (pictures.full) return report('full');
  }
  return report(pictures.full ? 'full' : 'done');
}
