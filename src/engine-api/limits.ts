/** Limits both sides of the worker boundary enforce: the page refuses early, the worker again. */

/** Largest photo the engine accepts; bigger files are refused before they are read. */
export const MAX_QUERY_BYTES = 20 * 1024 * 1024;

/** The message of the ImageTooLargeError both sides throw for a photo of `bytes`. */
export function tooLargeMessage(bytes: number): string {
  const mb = (n: number) => n / 1024 / 1024;
  return `This photo is ${mb(bytes).toFixed(1)} MB; photos up to ${mb(MAX_QUERY_BYTES)} MB are accepted.`;
}
