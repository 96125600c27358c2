import { isUuid, type Position } from '@kabinet/db';
import { badInput } from '@kabinet/errors';
import { defaultPageSize, isCalendarDate, maxPageSize, parseInstant } from '@kabinet/input';

export { maxPageSize };

export type { Position };


/**
 * A paged list: its name, and whether its rows are ordered by a calendar date (`YYYY-MM-DD`, a
 * date column) or by an instant (a timestamp column, a Date). A cursor holds a position of that
 * kind only: the other kind would reach SQL as a value its column cannot take.
 */
export interface PagedList {
  name: string;
  orderedBy: 'date' | 'instant';
}

/**
 * Opaque to clients. It names its list, so that one list's cursor is refused by another, and
 * `t` marks an instant so that it decodes back to a Date.
 */
export function encodeCursor(list: PagedList, position: Position): string {
  const at = position.at instanceof Date ? `t${position.at.toISOString()}` : `s${position.at}`;
  return Buffer.from(`${list.name}|${at}|${position.id}`).toString('base64url');
}

export function decodeCursor(list: PagedList, cursor: string): Position | null {
  const [cursorList, at = '', id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (cursorList !== list.name || !id || !isUuid(id)) return null;
  // Checked as the database would take them: a crafted cursor is refused here, not failed in SQL.
  if (list.orderedBy === 'date') return at.startsWith('s') && isCalendarDate(at.slice(1)) ? { at: at.slice(1), id } : null;
  const instant = at.startsWith('t') ? parseInstant(at.slice(1)) : null;
  return instant ? { at: instant, id } : null;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Validated page arguments of the list named `list`; a cursor it did not hand out is refused, not ignored. */
export function pageArguments(args: PageArgs, list: PagedList, defaultFirst = defaultPageSize): { first: number; after: Position | null } {
  const first = args.first ?? defaultFirst;
  if (!Number.isInteger(first) || first < 0 || first > maxPageSize) {
    throw badInput(
      { en: `first must be between 0 and ${maxPageSize}`, uk: `first має бути від 0 до ${maxPageSize}`, ru: `first должно быть от 0 до ${maxPageSize}` },
      { field: 'first' },
    );
  }
  const after = args.after ? decodeCursor(list, args.after) : null;
  if (args.after && !after) {
    throw badInput(
      { en: 'after is not a cursor from this list', uk: 'after — не курсор цього списку', ru: 'after — не курсор этого списка' },
      { field: 'after' },
    );
  }
  return { first, after };
}

export interface Connection<TNode> {
  edges: { cursor: string; node: TNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * A connection from rows fetched with `limit first + 1`: the extra row only tells that a
 * next page exists.
 */
export function toConnection<TRow, TNode = TRow>(
  rows: TRow[],
  first: number,
  list: PagedList,
  positionOf: (row: TRow) => Position,
  nodeOf: (row: TRow) => TNode = (row) => row as unknown as TNode,
): Connection<TNode> {
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(list, positionOf(row)), node: nodeOf(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
}
