/** Above this many bytes of pictures, the app asks before saving them all for offline use. */
export const ASK_ABOVE_BYTES = 200 * 1024 * 1024;
