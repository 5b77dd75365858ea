/** The labelled evaluation set: every photo with its label and photographer, in a stable order. */
import { readMetadata } from './metadata.ts';
import { scanImages } from './scan-images.ts';

export interface LabelledPhoto {
  id: string;
  path: string;
  label: string;
  /** Who took the photo: the unit of the photographer-disjoint split. */
  photographer: string;
}

/** Labels that say "no label": such photos stay in the catalog as distractors, never as queries. */
export const NON_LABELS: ReadonlySet<string> = new Set(['Not sure', 'Other', 'Skip']);

export class DatasetError extends Error {
  override name = 'DatasetError';
}

export interface DatasetOptions {
  images: string;
  meta: string;
  labelField?: string;
  photographerField?: string;
}

/** Joins the photo folder with its metadata; photos without a metadata row cannot be scored. */
export function loadLabelledPhotos(options: DatasetOptions): LabelledPhoto[] {
  const labelField = options.labelField ?? 'label';
  const photographerField = options.photographerField ?? 'sender_id';
  const meta = readMetadata(options.meta);
  const { images } = scanImages(options.images);
  const photos: LabelledPhoto[] = [];
  for (const { id, path } of images) {
    const row = meta.get(id);
    if (!row) continue;
    if (!(labelField in row) || !(photographerField in row)) {
      throw new DatasetError(
        `${options.meta}: row ${id} lacks the ${labelField} or ${photographerField} column`,
      );
    }
    photos.push({ id, path, label: row[labelField], photographer: row[photographerField] });
  }
  if (!photos.length) {
    throw new DatasetError(`no photo in ${options.images} has a row in ${options.meta}`);
  }
  return photos;
}
