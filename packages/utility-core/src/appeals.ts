import type { Viewer } from '@kabinet/auth';
import { afterPosition, validIds, type Database, type Position } from '@kabinet/db';
import { badInput, DomainError, forbidden, unauthenticated } from '@kabinet/errors';
import { phoneInput } from '@kabinet/input/phone';
import { and, desc, eq, ne } from 'drizzle-orm';
import { ensureHolder, ensureStaff, isOperatorOf, type AccountScope } from './access';
import type { AccountRow, AppealRow, UtilityTables } from './tables';
import { messages } from './messages';

export const appealKinds = ['QUESTION', 'COMPLAINT', 'CALLBACK'] as const;

/**
 * Who sees an appeal: the login that filed it (not whoever holds the account later) and the
 * supplier's staff.
 */
export const appealScope = (appeal: AppealRow): AccountScope => ({ holderUserId: appeal.createdByUserId, supplierId: appeal.supplierId });

function text(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) throw badInput(messages.textLength(field, max), { field });
  return trimmed;
}

export interface NewAppeal {
  kind: (typeof appealKinds)[number];
  subject: string;
  body: string;
  phone?: string | null;
  preferredCallbackTime?: string | null;
}

/** Questions, complaints and callback requests: the holder asks, the supplier's operators answer. */
export function createAppeals(db: Database, t: UtilityTables) {
  async function appealFor(viewer: Viewer | null, appealId: string) {
    if (!viewer) throw unauthenticated();
    const [appeal] = validIds([appealId]).length ? await db.select().from(t.appeals).where(eq(t.appeals.id, appealId)) : [];
    if (!appeal) throw new DomainError('APPEAL_NOT_FOUND', messages.appealNotFound(), { field: 'appealId' });
    if (appeal.createdByUserId === viewer.userId) return { appeal, role: 'HOLDER' as const };
    if (isOperatorOf(viewer, appeal.supplierId) || viewer.role === 'ADMIN') return { appeal, role: 'OPERATOR' as const };
    throw forbidden();
  }

  return {
    async create(viewer: Viewer | null, account: AccountRow, input: NewAppeal, now: Date): Promise<AppealRow> {
      const holder = ensureHolder(viewer, account);
      const phone = phoneInput(input.phone);
      if (input.kind === 'CALLBACK' && !phone) throw badInput(messages.callbackNeedsPhone(), { field: 'phone' });
      const subject = text(input.subject, 'subject', 200);
      const body = text(input.body, 'body', 5000);
      const preferredCallbackTime = input.preferredCallbackTime ? text(input.preferredCallbackTime, 'preferredCallbackTime', 100) : null;
      return db.transaction(async (tx) => {
        const [appeal] = await tx
          .insert(t.appeals)
          .values({
            accountId: account.id,
            supplierId: account.supplierId,
            createdByUserId: holder.userId,
            kind: input.kind,
            subject,
            status: 'OPEN',
            phone,
            preferredCallbackTime,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        await tx.insert(t.appealMessages).values({ appealId: appeal!.id, authorRole: 'HOLDER', authorUserId: holder.userId, body, createdAt: now });
        return appeal!;
      });
    },

    /** A message from either side: the supplier's answer marks it ANSWERED, the holder's reply opens it again. */
    async reply(viewer: Viewer | null, appealId: string, rawBody: string, now: Date): Promise<AppealRow> {
      const { appeal, role } = await appealFor(viewer, appealId);
      const body = text(rawBody, 'body', 5000);
      // The status changes only if the appeal is still open at that moment: a close that wins a
      // race with a reply stays closed, and the reply's message is rolled back with it.
      const updated = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(t.appeals)
          .set({ status: role === 'OPERATOR' ? 'ANSWERED' : 'OPEN', updatedAt: now })
          .where(and(eq(t.appeals.id, appeal.id), ne(t.appeals.status, 'CLOSED')))
          .returning();
        if (row) await tx.insert(t.appealMessages).values({ appealId: appeal.id, authorRole: role, authorUserId: viewer!.userId, body, createdAt: now });
        return row;
      });
      if (!updated) throw new DomainError('APPEAL_CLOSED', messages.appealClosed());
      return updated;
    },

    async close(viewer: Viewer | null, appealId: string, now: Date): Promise<AppealRow> {
      const { appeal } = await appealFor(viewer, appealId);
      // Closed already: answered as it is, so that a second tap changes nothing, not even when it last changed.
      const [closed] = await db
        .update(t.appeals)
        .set({ status: 'CLOSED', updatedAt: now })
        .where(and(eq(t.appeals.id, appeal.id), ne(t.appeals.status, 'CLOSED')))
        .returning();
      return closed ?? (await db.select().from(t.appeals).where(eq(t.appeals.id, appeal.id)))[0]!;
    },

    /** The viewer's own appeals about an account, or all of them for the supplier's staff. */
    forAccount(viewer: Viewer, account: AccountRow) {
      const staff = isOperatorOf(viewer, account.supplierId) || viewer.role === 'ADMIN';
      return db
        .select()
        .from(t.appeals)
        .where(and(eq(t.appeals.accountId, account.id), staff ? undefined : eq(t.appeals.createdByUserId, viewer.userId)))
        .orderBy(desc(t.appeals.createdAt), desc(t.appeals.id));
    },

    /** A supplier's appeals for its staff, most recently updated first (one row more: is there a next page?). */
    forStaff(viewer: Viewer | null, status: string | null | undefined, first: number, after: Position | null) {
      const { supplierId } = ensureStaff(viewer);
      return db
        .select()
        .from(t.appeals)
        .where(and(eq(t.appeals.supplierId, supplierId), status ? eq(t.appeals.status, status) : undefined, afterPosition(t.appeals.updatedAt, t.appeals.id, after)))
        .orderBy(desc(t.appeals.updatedAt), desc(t.appeals.id))
        .limit(first + 1);
    },
  };
}

export type Appeals = ReturnType<typeof createAppeals>;
