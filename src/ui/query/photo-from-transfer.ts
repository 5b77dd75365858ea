/** The photo in a drop or a paste: the first file, preferring images. */

export function photoFromTransfer(data: DataTransfer | null): File | null {
  if (!data) return null;
  const files = [...data.files];
  if (files.length === 0) {
    for (const item of data.items) {
      const file = item.kind === 'file' ? item.getAsFile() : null;
      if (file) files.push(file);
    }
  }
  return files.find((f) => f.type.startsWith('image/')) ?? files[0] ?? null;
}

/** True when a drag carries files (not text or a link being dragged around the page). */
export function dragHasFiles(data: DataTransfer | null): boolean {
  return !!data && [...data.types].includes('Files');
}
