/** The evaluation's outputs: one JSON object, markdown tables, and SVG charts under docs/eval/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RetrievalSummary } from '../../src/shared/metrics/summary.ts';
import type { ModelEvaluation } from './evaluate-model.ts';
import type { LabelRerankOptions } from '../../src/shared/search/label-rerank.ts';
import type { InstanceFirstOptions } from '../../src/shared/search/instance-first.ts';
import { barChart } from './svg-charts.ts';

export interface EvalReport {
  dataset: {
    photos: number;
    split: string;
    query_fraction: number;
    seed: number;
    catalog: number;
    queries: number;
    query_photographers: number;
    catalog_photographers: number;
    /** Views whose mean embedding each catalog photo stores (database-side augmentation). */
    catalog_views: string[];
    /** The label re-ranking applied to every search (as the app does), or null for none. */
    label_rerank: LabelRerankOptions | null;
    /** The instance-first top result for models that declare an instance part, or null for none. */
    instance_first: InstanceFirstOptions | null;
    /** Per label: photos in the catalog and queries. */
    labels: Record<string, { catalog: number; queries: number }>;
  };
  instance: { queries: number; sideways: number; effects: Record<string, number> };
  /** Expected scores of a random ranking (label-frequency baseline). */
  chance: RetrievalSummary &
    Pick<
      ModelEvaluation,
      | 'instance_recall_at_1'
      | 'instance_recall_at_5'
      | 'instance_sideways_recall_at_1'
      | 'instance_upright_recall_at_1'
      | 'instance_sideways_as_upright_recall_at_1'
      | 'looks_alike_p_at_5'
    >;
  models: Record<string, ModelEvaluation>;
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** Rounds every number to 4 decimals (the JSON compares across runs and machines). */
export function rounded<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_, v: unknown) =>
      typeof v === 'number' && !Number.isInteger(v) ? round(v) : v,
    ),
  ) as T;
}

const f3 = (x: number) => x.toFixed(3);

const METRICS = [
  ['P@1', 'p_at_1'],
  ['P@5', 'p_at_5'],
  ['looks-alike P@5', 'looks_alike_p_at_5'],
  ['P@10', 'p_at_10'],
  ['mAP@10', 'map_at_10'],
  ['MRR', 'mrr'],
  ['R@10', 'recall_at_10'],
  ['instance R@1', 'instance_recall_at_1'],
  ['instance R@5', 'instance_recall_at_5'],
  ['upright R@1', 'instance_upright_recall_at_1'],
  ['sideways R@1', 'instance_sideways_recall_at_1'],
  ['same shots upright R@1', 'instance_sideways_as_upright_recall_at_1'],
] as const;

/** Labels by catalog size, largest first (ties by name). */
const labelOrder = (report: EvalReport) =>
  Object.entries(report.dataset.labels)
    .filter(([, n]) => n.queries > 0)
    .sort((a, b) => b[1].catalog - a[1].catalog || (a[0] < b[0] ? -1 : 1))
    .map(([label]) => label);

export function markdownReport(report: EvalReport): string {
  const d = report.dataset;
  const ids = Object.keys(report.models);
  const lines = [
    `Split: ${d.split}, seed ${d.seed}, query fraction ${d.query_fraction}: ${d.queries} labelled queries` +
      (d.split === 'photographer'
        ? ` from ${d.query_photographers} photographers; the catalog holds the ${d.catalog} photos of the other ${d.catalog_photographers}.`
        : `; the catalog holds ${d.catalog} photos.`) +
      ` Each catalog photo stores the mean embedding of its views: ${d.catalog_views.join(', ')}.` +
      (d.label_rerank
        ? ` Results are re-ranked by their neighbours' labels as in the app (top ${d.label_rerank.votes} vote, temperature ${d.label_rerank.temperature}, weight ${d.label_rerank.weight}).`
        : ' No label re-ranking: the index order.') +
      (d.instance_first
        ? ` A model that declares an instance part puts first, among its top ${d.instance_first.depth}${d.instance_first.pool ? ` and the ${d.instance_first.pool} nearest by that part alone` : ''}, the result whose instance part matches best when it beats the nearest's by more than ${d.instance_first.margin}${d.instance_first.pool && d.instance_first.poolMargin !== undefined ? ` (${d.instance_first.poolMargin} for one from outside the top ${d.instance_first.depth})` : ''}.`
        : ''),
    `Instance retrieval: ${report.instance.queries} evaluation-only camera shots of catalog photos (scripts/eval/eval-only-shots.ts; ${report.instance.sideways} stored sideways with an EXIF orientation tag, each also searched stored upright: "same shots upright"); a hit is the original. Looks-alike P@5: a result counts when it shares the query's label and its dominant colour family.`,
    '',
    `| model | dim | ${METRICS.map(([name]) => name).join(' | ')} |`,
    `| --- | ---: | ${METRICS.map(() => '---:').join(' | ')} |`,
    ...ids.map((id) => {
      const m = report.models[id];
      return `| ${id} | ${m.dim} | ${METRICS.map(([, key]) => f3(m[key])).join(' | ')} |`;
    }),
    `| chance (label frequency) | | ${METRICS.map(([, key]) => f3(report.chance[key])).join(' | ')} |`,
    '',
    ...kindTable(report),
    'Per-label P@5:',
    '',
    `| label | catalog | queries | ${ids.join(' | ')} | chance |`,
    `| --- | ---: | ---: | ${ids.map(() => '---:').join(' | ')} | ---: |`,
    ...labelOrder(report).map((label) => {
      const n = d.labels[label];
      const cells = ids.map((id) => f3(report.models[id].per_label_p_at_5[label] ?? 0));
      return `| ${label} | ${n.catalog} | ${n.queries} | ${cells.join(' | ')} | ${f3(report.chance.per_label_p_at_5[label] ?? 0)} |`;
    }),
  ];
  return lines.join('\n') + '\n';
}

/** Instance R@1 / R@5 per distortion kind: the queries that went through it, every model. */
function kindTable(report: EvalReport): string[] {
  const ids = Object.keys(report.models).filter(
    (id) => report.models[id].instance_by_kind !== undefined,
  );
  const kinds = Object.keys(report.instance.effects);
  if (!ids.length || !kinds.length) return [];
  return [
    'Instance R@1 / R@5 by distortion kind (each query went through several):',
    '',
    `| kind | queries | ${ids.join(' | ')} |`,
    `| --- | ---: | ${ids.map(() => '---:').join(' | ')} |`,
    ...kinds.map((kind) => {
      const cells = ids.map((id) => {
        const k = report.models[id].instance_by_kind[kind];
        return k ? `${f3(k.recall_at_1)} / ${f3(k.recall_at_5)}` : '';
      });
      return `| ${kind} | ${report.instance.effects[kind]} | ${cells.join(' | ')} |`;
    }),
    '',
  ];
}

/** Per-label P@5 of one model against the chance level. */
export function perLabelChart(report: EvalReport, id: string): string {
  const labels = labelOrder(report);
  return barChart({
    title: `P@5 per label: ${id} (photographer-disjoint split)`,
    categories: labels,
    categoryNotes: labels.map((l) => `(${report.dataset.labels[l].queries})`),
    series: [{ name: id, values: labels.map((l) => report.models[id].per_label_p_at_5[l] ?? 0) }],
    reference: {
      name: 'chance',
      values: labels.map((l) => report.chance.per_label_p_at_5[l] ?? 0),
    },
  });
}

/** Every metric, every model, with the chance level as ticks. */
export function comparisonChart(report: EvalReport): string {
  const ids = Object.keys(report.models);
  return barChart({
    title: 'Retrieval metrics by model',
    categories: METRICS.map(([name]) => name),
    series: ids.map((id) => ({
      name: id,
      values: METRICS.map(([, key]) => report.models[id][key]),
    })),
    reference: { name: 'chance', values: METRICS.map(([, key]) => report.chance[key]) },
  });
}

/** Writes results.json, results.md and the charts into `dir`; returns the paths written. */
export function writeReport(report: EvalReport, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['results.json', JSON.stringify(report, null, 2) + '\n'],
    [
      'results.md',
      `# Retrieval evaluation\n\nMade by \`npm run eval\`.\n\n${markdownReport(report)}`,
    ],
    ['models.svg', comparisonChart(report)],
    ...Object.keys(report.models).map((id): [string, string] => [
      `per-label-${id}.svg`,
      perLabelChart(report, id),
    ]),
  ];
  return files.map(([name, text]) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  });
}
