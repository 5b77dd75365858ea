/** Small hand-written SVG bar charts for the evaluation report (no chart library, stable output). */

export interface Series {
  name: string;
  /** One value in [0, 1] per category, in category order. */
  values: number[];
}

export interface BarChartOptions {
  title: string;
  categories: string[];
  series: Series[];
  /** A per-category reference value drawn as a tick (e.g. the chance level). */
  reference?: { name: string; values: number[] };
  /** Extra text after a category name (e.g. its count). */
  categoryNotes?: string[];
}

const PALETTE = ['#2563eb', '#ea580c', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#ca8a04'];
const FONT = 'font-family="system-ui, sans-serif"';

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fixed = (n: number) => (Math.round(n * 10) / 10).toString();

/**
 * Horizontal grouped bars: one group per category, one bar per series, values in [0, 1],
 * with a value label per bar and an optional reference tick per category.
 */
export function barChart(options: BarChartOptions): string {
  const { categories, series, reference } = options;
  const labelWidth = 170;
  const plotWidth = 460;
  const bar = 12;
  const groupGap = 10;
  const top = 48 + 18 * Math.ceil((series.length + (reference ? 1 : 0)) / 3);
  const groupHeight = series.length * bar + groupGap;
  const height = top + categories.length * groupHeight + 30;
  const width = labelWidth + plotWidth + 60;
  const x = (v: number) => labelWidth + Math.max(0, Math.min(1, v)) * plotWidth;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600">${escape(options.title)}</text>`,
  ];
  const legend = series.map((s, i) => ({ name: s.name, colour: PALETTE[i % PALETTE.length] }));
  [...legend, ...(reference ? [{ name: reference.name, colour: '#111' }] : [])].forEach((l, i) => {
    const lx = 12 + (i % 3) * 220;
    const ly = 40 + Math.floor(i / 3) * 18;
    const mark =
      i < legend.length
        ? `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${l.colour}"/>`
        : `<line x1="${lx + 5}" y1="${ly - 11}" x2="${lx + 5}" y2="${ly + 2}" stroke="#111" stroke-width="2"/>`;
    out.push(mark, `<text x="${lx + 15}" y="${ly}">${escape(l.name)}</text>`);
  });
  for (let g = 0; g <= 10; g += 2) {
    const gx = fixed(x(g / 10));
    const bottom = height - 24;
    out.push(
      `<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${bottom}" stroke="#e5e7eb"/>`,
      `<text x="${gx}" y="${bottom + 14}" text-anchor="middle" fill="#555">${(g / 10).toFixed(1)}</text>`,
    );
  }
  categories.forEach((category, c) => {
    const gy = top + c * groupHeight;
    const note = options.categoryNotes?.[c];
    out.push(
      `<text x="${labelWidth - 8}" y="${fixed(gy + (series.length * bar) / 2 + 4)}" text-anchor="end">${escape(category)}${note ? ` <tspan fill="#777">${escape(note)}</tspan>` : ''}</text>`,
    );
    series.forEach((s, i) => {
      const v = s.values[c];
      const by = gy + i * bar;
      out.push(
        `<rect x="${labelWidth}" y="${by}" width="${fixed(x(v) - labelWidth)}" height="${bar - 2}" fill="${legend[i].colour}"/>`,
        `<text x="${fixed(x(v) + 4)}" y="${by + bar - 3}" font-size="9" fill="#333">${v.toFixed(3)}</text>`,
      );
    });
    if (reference) {
      const rx = fixed(x(reference.values[c]));
      out.push(
        `<line x1="${rx}" y1="${gy - 2}" x2="${rx}" y2="${gy + series.length * bar}" stroke="#111" stroke-width="2"/>`,
      );
    }
  });
  out.push('</svg>', '');
  return out.join('\n');
}
