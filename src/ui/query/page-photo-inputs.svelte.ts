/** Photos dropped anywhere on the page or pasted from the clipboard. Call attach() in an $effect. */
import { dragHasFiles, photoFromTransfer } from './photo-from-transfer.ts';

export type PagePhotoHandler = (photo: File, origin: 'drop' | 'paste') => void;

export class PagePhotoInputs {
  #dragging = $state(false);
  /** Nested elements fire enter/leave pairs; count them so the overlay does not flicker. */
  #depth = 0;
  #onPhoto: PagePhotoHandler;

  constructor(onPhoto: PagePhotoHandler) {
    this.#onPhoto = onPhoto;
  }

  get dragging() {
    return this.#dragging;
  }

  attach(target: Window): () => void {
    const enter = (e: DragEvent) => {
      if (!dragHasFiles(e.dataTransfer)) return;
      e.preventDefault();
      this.#depth++;
      this.#dragging = true;
    };
    const over = (e: DragEvent) => {
      if (!dragHasFiles(e.dataTransfer)) return;
      e.preventDefault();
      e.dataTransfer!.dropEffect = 'copy';
    };
    const leave = () => {
      this.#depth = Math.max(0, this.#depth - 1);
      if (this.#depth === 0) this.#dragging = false;
    };
    const drop = (e: DragEvent) => {
      if (!dragHasFiles(e.dataTransfer)) return;
      e.preventDefault();
      this.#depth = 0;
      this.#dragging = false;
      const photo = photoFromTransfer(e.dataTransfer);
      if (photo) this.#onPhoto(photo, 'drop');
    };
    const paste = (e: ClipboardEvent) => {
      // Text pasted into a field stays text.
      const field = (e.target as Element | null)?.closest?.('input, textarea, [contenteditable]');
      if (field && !(field instanceof HTMLInputElement && field.type === 'file')) return;
      const photo = photoFromTransfer(e.clipboardData);
      if (!photo) return;
      e.preventDefault();
      this.#onPhoto(photo, 'paste');
    };
    const listeners = [
      ['dragenter', enter],
      ['dragover', over],
      ['dragleave', leave],
      ['drop', drop],
      ['paste', paste],
    ] as const;
    for (const [type, fn] of listeners) target.addEventListener(type, fn as EventListener);
    return () => {
      for (const [type, fn] of listeners) target.removeEventListener(type, fn as EventListener);
    };
  }
}
