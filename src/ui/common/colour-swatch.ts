/** A swatch colour for each colour family the catalog build assigns (src/shared/catalog/colour.ts). */
import type { ColourFamily } from '../../shared/catalog/colour.ts';

const SWATCHES: Record<ColourFamily, string> = {
  black: '#1c1c1e',
  white: '#f8f8f6',
  grey: '#9ca3af',
  beige: '#d9c7a7',
  brown: '#7c4a2d',
  red: '#d92d20',
  orange: '#f97316',
  yellow: '#facc15',
  green: '#16a34a',
  blue: '#2563eb',
  purple: '#7e22ce',
  pink: '#f472b6',
};

/** The CSS colour for a family name, or null for a name the build does not produce. */
export function swatchFor(colour: string | undefined): string | null {
  return colour && colour in SWATCHES ? SWATCHES[colour as ColourFamily] : null;
}
