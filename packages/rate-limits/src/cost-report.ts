/**
 * What the gateway tells a subgraph about the request's cost and budgets, so that `rateLimitInfo`
 * answers from the very numbers the gateway charged. Subgraphs trust it only on requests carrying
 * the gateway's secret, as they do the client address.
 */
export const costReportHeader = 'x-kabinet-cost';

/** One budget after this request was charged. */
export interface BudgetReport {
  limit: number;
  used: number;
  remaining: number;
  /** ISO 8601 instant the window ends and the budget is whole again. */
  resetAt: string;
}

export interface CostReport {
  /** What this operation costs. */
  requested: number;
  /** Points taken from the budgets for it: `requested`, or 0 when it was refused. */
  charged: number;
  /** Most an operation may cost; a costlier one is refused before it runs. */
  maxOperationCost: number;
  customer: BudgetReport;
  /** The client application's budget: `null` unless a delegated token proves the client. */
  client: BudgetReport | null;
}

export const encodeCostReport = (report: CostReport): string => Buffer.from(JSON.stringify(report)).toString('base64url');

const isBudget = (value: unknown): value is BudgetReport => {
  const budget = value as Partial<BudgetReport> | null;
  return (
    typeof budget === 'object' &&
    budget !== null &&
    [budget.limit, budget.used, budget.remaining].every(Number.isInteger) &&
    typeof budget.resetAt === 'string'
  );
};

/** The report in `header`, or `null` when there is none or it is not one. */
export function decodeCostReport(header: string | undefined): CostReport | null {
  if (!header) return null;
  try {
    const report = JSON.parse(Buffer.from(header, 'base64url').toString()) as Partial<CostReport>;
    const numbers = [report.requested, report.charged, report.maxOperationCost].every(Number.isInteger);
    return numbers && isBudget(report.customer) && (report.client === null || isBudget(report.client)) ? (report as CostReport) : null;
  } catch {
    return null;
  }
}
