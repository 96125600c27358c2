import type { PagedList } from '@kabinet/subgraph';

/** The cabinet's paged lists and the column kind each is ordered by (its cursors hold that kind). */
export const pagedLists = {
  bills: { name: 'bills', orderedBy: 'date' },
  readings: { name: 'readings', orderedBy: 'date' },
  ledger: { name: 'ledger', orderedBy: 'instant' },
  appeals: { name: 'appeals', orderedBy: 'instant' },
} as const satisfies Record<string, PagedList>;
