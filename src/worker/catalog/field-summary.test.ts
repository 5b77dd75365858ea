import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summariseFields } from './field-summary.ts';

const csv = resolve(import.meta.dirname, '../../../../shared/datasets/clothing/images.csv');

describe('summariseFields', () => {
  it('counts values most frequent first, ties by value, empty values kept', () => {
    const summary = summariseFields({
      label: ['Shirt', 'Dress', 'Shirt', 'Hat', 'Dress', 'Shirt'],
      colour: ['red', '', 'blue', 'red', '', 'blue'],
    });
    expect(summary).toEqual([
      {
        name: 'label',
        values: [
          { value: 'Shirt', count: 3 },
          { value: 'Dress', count: 2 },
          { value: 'Hat', count: 1 },
        ],
      },
      {
        name: 'colour',
        values: [
          { value: '', count: 2 },
          { value: 'blue', count: 2 },
          { value: 'red', count: 2 },
        ],
      },
    ]);
  });

  it('accounts for every row of the real clothing labels', () => {
    const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1);
    const labels = rows.map((row) => row.split(',')[2]);
    const [summary] = summariseFields({ label: labels });
    expect(summary.values.reduce((sum, v) => sum + v.count, 0)).toBe(rows.length);
    const counts = summary.values.map((v) => v.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(summary.values.find((v) => v.value === 'T-Shirt')?.count).toBe(
      labels.filter((l) => l === 'T-Shirt').length,
    );
  });
});
