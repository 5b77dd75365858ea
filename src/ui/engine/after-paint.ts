/**
 * Resolves once the page has painted its next frame: a task queued from a frame callback runs
 * after that frame's paint. A hidden page paints no frames, so a timeout stands in; so does a
 * plain task where there are no frames at all (unit tests).
 */
export function afterNextPaint(hiddenMs = 100): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame !== 'function') {
      setTimeout(resolve, 0);
      return;
    }
    const fallback = setTimeout(resolve, hiddenMs);
    requestAnimationFrame(() => {
      clearTimeout(fallback);
      setTimeout(resolve, 0);
    });
  });
}
