/**
 * The demo photo set as the repository pins it: which public repository and commit the photos
 * come from, and each photo's size and sha256 (`clothing.manifest.json.gz`, made from a
 * verified local copy by make-manifest.ts), so `npm start` can fetch and check them anywhere.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface DemoSetManifest {
  /** GitHub owner/name. */
  repo: string;
  /** The pinned commit: every photo URL names it, so the bytes never change under us. */
  commit: string;
  /** images.csv as the demo set holds it: `image,sender_id,label,kids`, one row per photo. */
  csv: string;
  /** Per data row of `csv`, in the same order: [bytes, sha256] of images/<image>.jpg. */
  photos: [number, string][];
}

export interface DemoPhoto {
  /** File name inside images/, e.g. 00003aeb-ace5-43bf-9a0c-dc31a03e9cd2.jpg */
  name: string;
  bytes: number;
  sha256: string;
}

export const MANIFEST_PATH = resolve(import.meta.dirname, 'clothing.manifest.json.gz');

/** raw.githubusercontent.com serves `<owner>/<name>/<commit>/<path>` with Range and Content-Length. */
export const DEFAULT_BASE = 'https://raw.githubusercontent.com';

export function readManifest(path = MANIFEST_PATH): DemoSetManifest {
  return JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as DemoSetManifest;
}

/** The photos a manifest lists, named from its csv rows. */
export function photosOf(manifest: DemoSetManifest): DemoPhoto[] {
  const rows = manifest.csv.trimEnd().split('\n').slice(1);
  if (rows.length !== manifest.photos.length) {
    throw new Error(
      `demo set manifest: ${rows.length} csv rows but ${manifest.photos.length} photos`,
    );
  }
  return rows.map((row, i) => ({
    name: `${row.slice(0, row.indexOf(','))}.jpg`,
    bytes: manifest.photos[i][0],
    sha256: manifest.photos[i][1],
  }));
}

/** Where a photo lives in the pinned commit of the repository, under `base`. */
export function photoUrl(base: string, manifest: DemoSetManifest, name: string): string {
  return `${base.replace(/\/$/, '')}/${manifest.repo}/${manifest.commit}/images/${name}`;
}
