/** After a share-target redirect: takes the photo the service worker stashed (once) and tidies the URL. */
import { SHARE_CACHE, SHARED_PARAM, SHARED_PHOTO_KEY } from './share-target.ts';

export type SharedPhoto = { kind: 'none' } | { kind: 'empty' } | { kind: 'photo'; photo: Blob };

export async function takeSharedPhoto(): Promise<SharedPhoto> {
  const url = new URL(location.href);
  const flag = url.searchParams.get(SHARED_PARAM);
  if (flag === null) return { kind: 'none' };
  url.searchParams.delete(SHARED_PARAM);
  history.replaceState(history.state, '', url);
  if (flag !== '1' || !('caches' in window)) return { kind: 'empty' };
  const cache = await caches.open(SHARE_CACHE);
  const key = new URL(SHARED_PHOTO_KEY, document.baseURI).href;
  const response = await cache.match(key);
  await cache.delete(key);
  return response ? { kind: 'photo', photo: await response.blob() } : { kind: 'empty' };
}
