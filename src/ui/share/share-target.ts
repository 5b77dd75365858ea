/** The Android share target: where the service worker receives a shared photo and where it keeps it. */

/** The manifest's share_target action, relative to the app's scope. */
export const SHARE_TARGET_ACTION = 'share-target';
/** The multipart field that carries the shared file. */
export const SHARE_TARGET_FIELD = 'photo';
/** The Cache the service worker stashes the file in, under SHARED_PHOTO_KEY, until the app takes it. */
export const SHARE_CACHE = 'lookalike-share-target';
export const SHARED_PHOTO_KEY = 'shared-photo';
/** The query parameter the redirect adds: '1' when a photo waits, '0' when the share held none. */
export const SHARED_PARAM = 'shared';
