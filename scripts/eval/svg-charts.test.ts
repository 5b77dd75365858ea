import { describe, expect, it } from 'vitest';
import { barChart } from './svg-charts.ts';

describe('barChart', () => {
  const svg = barChart({
    title: 'P@5 <by label>',
    categories: ['Hat', 'Shoes'],
    series: [
      { name: 'a', values: [0.5, 1] },
      { name: 'b', values: [0, 0.25] },
    ],
    reference: { name: 'chance', values: [0.1, 0.2] },
    categoryNotes: ['(3)', '(4)'],
  });

  it('draws one bar per value, scaled to the plot width', () => {
    const widths = [...svg.matchAll(/<rect x="170" y="\d+" width="([\d.]+)"/g)].map((m) => m[1]);
    expect(widths).toEqual(['230', '0', '460', '115']);
  });

  it('draws the reference ticks, labels and escapes text', () => {
    expect(svg).toContain('P@5 &lt;by label&gt;');
    expect(svg.match(/stroke-width="2"/g)).toHaveLength(3); // legend mark + 2 ticks
    expect(svg).toContain('0.250');
    expect(svg).toContain('Shoes <tspan fill="#777">(4)</tspan>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('is the same for the same input', () => {
    expect(
      barChart({ title: 't', categories: ['x'], series: [{ name: 'a', values: [0.3] }] }),
    ).toBe(barChart({ title: 't', categories: ['x'], series: [{ name: 'a', values: [0.3] }] }));
  });
});
