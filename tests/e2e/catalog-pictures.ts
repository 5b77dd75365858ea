/** The served demo catalog's files read from disk, and a catalog picture to search with. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { CatalogManifest, ItemTable } from '../../src/shared/catalog/manifest.ts';

const catalogDir = resolve(import.meta.dirname, '../../public/catalog');

export function demoCatalog(): { manifest: CatalogManifest; items: ItemTable } {
  const manifest = JSON.parse(
    readFileSync(resolve(catalogDir, 'manifest.json'), 'utf8'),
  ) as CatalogManifest;
  const items = JSON.parse(
    readFileSync(resolve(catalogDir, manifest.items.file), 'utf8'),
  ) as ItemTable;
  return { manifest, items };
}

/** Item `index`'s own thumbnail as an upload: a query whose best match is that item. */
export function pictureUpload(index: number) {
  const { manifest, items } = demoCatalog();
  const [pack, offset, length] = items.thumbs[index];
  const bytes = readFileSync(resolve(catalogDir, manifest.thumbs.packs[pack].file));
  return {
    name: `${items.ids[index]}.webp`,
    mimeType: 'image/webp',
    buffer: bytes.subarray(offset, offset + length),
  };
}

/** Each result card's picture state ('placeholder' until its picture is shown). */
export const pictureStates = (page: Page) =>
  page
    .getByTestId('result')
    .evaluateAll((cards) =>
      cards.map((card) =>
        card.querySelector('[data-testid="thumb"]')!.getAttribute('data-picture'),
      ),
    );

/** Whether a canvas holds varied, opaque pixels: a decoded photo, not a blank or one-colour canvas. */
export const canvasHoldsPhoto = (canvas: Locator) =>
  canvas.evaluate((el: HTMLCanvasElement) => {
    if (el.width === 0 || el.height === 0) return false;
    const { data } = el.getContext('2d')!.getImageData(0, 0, el.width, el.height);
    const values = new Set<number>();
    let opaque = 0;
    for (let i = 0; i < data.length; i += 4 * 31) {
      if (data[i + 3] === 255) opaque++;
      values.add(data[i]);
    }
    return opaque > 0 && values.size > 16;
  });

/** Whether a thumbnail (`data-testid="thumb"`) shows its picture: its canvas is displayed and holds it. */
export async function pictureDrawn(thumb: Locator): Promise<boolean> {
  const canvas = thumb.locator('canvas');
  const shown = await canvas.evaluate((el) => getComputedStyle(el).display !== 'none');
  return shown && (await canvasHoldsPhoto(canvas));
}
