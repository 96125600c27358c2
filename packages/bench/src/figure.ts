/**
 * One measured figure of `pnpm bench`. A figure is compared with a baseline measured in the same
 * run on the same machine (the same operation sent straight to the subgraphs, a peer gateway, a
 * floor), never with an absolute number: machines differ, ratios travel.
 */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Measured in the same run; the ratio printed is `value / baseline.value`. */
  baseline?: { name: string; value: number };
  /** What the issue or design asks for, printed beside the figure; never asserted. */
  goal?: string;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<Figure[]>;
}

export const ratioOf = (figure: Figure): number | undefined =>
  figure.baseline && figure.baseline.value !== 0 ? figure.value / figure.baseline.value : undefined;

const number = (value: number) =>
  Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);

/** `subgraph CPU per Dashboard: 3.10 ms (0.85× plumbing floor 3.65 ms) goal ≤ 4 ms` */
export function formatFigure(figure: Figure): string {
  const ratio = ratioOf(figure);
  const compared = figure.baseline && ratio !== undefined ? `  ${ratio.toFixed(2)}× ${figure.baseline.name} (${number(figure.baseline.value)} ${figure.unit})` : '';
  const goal = figure.goal ? `  [goal ${figure.goal}]` : '';
  return `${figure.name}: ${number(figure.value)} ${figure.unit}${compared}${goal}`;
}
