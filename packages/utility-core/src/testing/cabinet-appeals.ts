import { randomUUID } from 'node:crypto';
import { expectErrorCode, expectNoGraphQLErrors, type GraphQLResponse } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CabinetFixture } from './cabinet-fixture';
import { cabinetKit, UNLINK } from './cabinet-kit';

interface Appeal {
  id: string;
  accountNumber: string;
  kind: string;
  subject: string;
  status: string;
  phone: string | null;
  preferredCallbackTime: string | null;
  createdAt: string;
  updatedAt: string;
  messages: { authorRole: string; body: string; createdAt: string }[];
}

/**
 * Appeals (questions, complaints, callback requests) about an account: from its holder to the
 * supplier's operators and back until closed, kept from everyone else.
 */
export function describeCabinetAppeals(fixture: CabinetFixture): void {
  const kit = cabinetKit(fixture);
  const { names } = kit;
  const fields = `id accountNumber kind subject status phone preferredCallbackTime createdAt updatedAt messages { authorRole body createdAt }`;
  const CREATE = `mutation Create($input: CreateAppealInput!) { ${names.createAppeal}(input: $input) { appeal { ${fields} } } }`;
  const REPLY = `mutation Reply($input: ReplyToAppealInput!) { ${names.reply}(input: $input) { appeal { ${fields} } } }`;
  const CLOSE = `mutation Close($input: AppealIdInput!) { ${names.close}(input: $input) { appeal { ${fields} } } }`;
  const ACCOUNT_APPEALS = `query AccountAppeals($id: ID!) { ${names.account}(id: $id) { id appeals { ${fields} } } }`;
  const STAFF_APPEALS = `query StaffAppeals($status: AppealStatus, $first: Int, $after: String) {
    ${names.appeals}(status: $status, first: $first, after: $after) { edges { cursor node { id accountNumber status updatedAt } } pageInfo { hasNextPage endCursor } } }`;
  const neighbourPattern = new RegExp(kit.demo(fixture.neighbour).supplier.accountNumberPattern);

  describe(`${fixture.utility} appeals through the gateway`, () => {
    let demo: string;
    let neighbour: string;
    /** The operators of the holder's supplier and of the neighbour's. */
    let holderOperator: string;
    let neighbourOperator: string;
    let holderAccount: string;
    let neighbourAccount: string;

    beforeAll(async () => {
      await kit.start();
      demo = await kit.login('demo');
      neighbour = await kit.login('second');
      holderOperator = await kit.operator(fixture.holder.supplier);
      neighbourOperator = await kit.operator(fixture.neighbour.supplier);
      holderAccount = await kit.accountId(fixture.holder);
      neighbourAccount = await kit.accountId(fixture.neighbour);
    });
    afterAll(() => kit.stop());

    /** Each step a minute after the one before, as people write: the conversation has an order. */
    const tick = () => kit.at(new Date(kit.t.clock.now().getTime() + 60_000));
    const create = async (token: string, input: Record<string, unknown>) => {
      tick();
      return kit.t.gql(CREATE, { token, variables: { input } });
    };
    const reply = async (token: string, appealId: string, body: string) => {
      tick();
      return kit.t.gql(REPLY, { token, variables: { input: { appealId, body } } });
    };
    const close = async (token: string, appealId: string) => {
      tick();
      return kit.t.gql(CLOSE, { token, variables: { input: { appealId } } });
    };
    const appealOf = (response: GraphQLResponse, field: string): Appeal => expectNoGraphQLErrors(response)[field].appeal;
    /** A question the demo login asks about its account. */
    const demoQuestion = async (subject = `Питання ${randomUUID().slice(0, 8)}`) =>
      appealOf(await create(demo, { accountId: holderAccount, kind: 'QUESTION', subject, body: 'Чому рахунок цього місяця більший, ніж зазвичай?' }), names.createAppeal);
    const accountAppeals = async (token: string, accountId: string): Promise<Appeal[]> =>
      expectNoGraphQLErrors(await kit.t.gql(ACCOUNT_APPEALS, { token, variables: { id: accountId } }))[names.account].appeals;
    const seenByHolder = async (token: string, accountId: string, appealId: string) => (await accountAppeals(token, accountId)).find((appeal) => appeal.id === appealId);

    /** Every appeal an operator's list holds (with `status`), walking all pages. */
    async function staffList(token: string, status?: string, pageSize = 100) {
      const nodes: { id: string; accountNumber: string; status: string; updatedAt: string }[] = [];
      let after: string | null = null;
      for (;;) {
        const page: any = expectNoGraphQLErrors(await kit.t.gql(STAFF_APPEALS, { token, variables: { status, first: pageSize, after } }))[names.appeals];
        nodes.push(...page.edges.map((edge: any) => edge.node));
        if (!page.pageInfo.hasNextPage) return nodes;
        after = page.pageInfo.endCursor;
      }
    }
    const listedIds = async (token: string, status?: string) => (await staffList(token, status)).map((appeal) => appeal.id);

    it('takes a question from the holder to the supplier\'s operator and back, until it is closed', async () => {
      const asked = await demoQuestion('Рахунок за жовтень');
      expect(asked).toMatchObject({ accountNumber: fixture.holder.number, kind: 'QUESTION', subject: 'Рахунок за жовтень', status: 'OPEN', phone: null, preferredCallbackTime: null });
      expect(asked.messages).toEqual([{ authorRole: 'HOLDER', body: 'Чому рахунок цього місяця більший, ніж зазвичай?', createdAt: asked.createdAt }]);
      expect((await seenByHolder(demo, holderAccount, asked.id))?.status).toBe('OPEN');

      // The supplier's operator finds it among the open ones, and through the account.
      expect(await listedIds(holderOperator, 'OPEN')).toContain(asked.id);
      expect(await listedIds(holderOperator, 'ANSWERED')).not.toContain(asked.id);
      expect((await seenByHolder(holderOperator, holderAccount, asked.id))?.messages).toHaveLength(1);

      const answered = appealOf(await reply(holderOperator, asked.id, 'Цього місяця діяв новий тариф; деталі в рядках рахунку.'), names.reply);
      expect(answered.status).toBe('ANSWERED');
      expect(Date.parse(answered.updatedAt)).toBeGreaterThan(Date.parse(asked.updatedAt));
      expect(await listedIds(holderOperator, 'OPEN')).not.toContain(asked.id);
      expect(await listedIds(holderOperator, 'ANSWERED')).toContain(asked.id);

      // The holder sees the answer, and a reply opens it again.
      const seen = (await seenByHolder(demo, holderAccount, asked.id))!;
      expect(seen.status).toBe('ANSWERED');
      expect(seen.messages.map((message) => [message.authorRole, message.body])).toEqual([
        ['HOLDER', 'Чому рахунок цього місяця більший, ніж зазвичай?'],
        ['OPERATOR', 'Цього місяця діяв новий тариф; деталі в рядках рахунку.'],
      ]);
      const reopened = appealOf(await reply(demo, asked.id, 'А якщо показання були неправильні?'), names.reply);
      expect(reopened.status).toBe('OPEN');
      expect(reopened.messages.map((message) => message.authorRole)).toEqual(['HOLDER', 'OPERATOR', 'HOLDER']);
      expect(await listedIds(holderOperator, 'OPEN')).toContain(asked.id);
      expect(await listedIds(holderOperator, 'ANSWERED')).not.toContain(asked.id);

      const closed = appealOf(await close(demo, asked.id), names.close);
      expect(closed.status).toBe('CLOSED');
      expect(await listedIds(holderOperator, 'CLOSED')).toContain(asked.id);
      expect(await listedIds(holderOperator, 'OPEN')).not.toContain(asked.id);

      // Closed: nobody adds to it any more, and refusing changes nothing.
      expectErrorCode(await reply(demo, asked.id, 'Ще одне питання'), 'APPEAL_CLOSED');
      expectErrorCode(await reply(holderOperator, asked.id, 'Ще одна відповідь'), 'APPEAL_CLOSED');
      const after = (await seenByHolder(demo, holderAccount, asked.id))!;
      expect(after.status).toBe('CLOSED');
      expect(after.updatedAt).toBe(closed.updatedAt);
      expect(after.messages).toEqual(closed.messages);
      // Closing it again, a minute later, answers it as it is: a second tap is no change.
      expect(appealOf(await close(holderOperator, asked.id), names.close)).toEqual(closed);
      expect(after.messages).toHaveLength(3);
    });

    it('lets the supplier\'s operator close an appeal; the holder\'s reply is then refused', async () => {
      const asked = await demoQuestion();
      expect(appealOf(await close(holderOperator, asked.id), names.close).status).toBe('CLOSED');
      expectErrorCode(await reply(demo, asked.id, 'Але ж я не отримала відповіді'), 'APPEAL_CLOSED');
      const seen = (await seenByHolder(demo, holderAccount, asked.id))!;
      expect(seen.status).toBe('CLOSED');
      expect(seen.messages).toHaveLength(1);
    });

    it('files complaints and callback requests; a callback needs a phone in international format', async () => {
      const before = (await accountAppeals(neighbour, neighbourAccount)).length;
      const complaint = appealOf(
        await create(neighbour, { accountId: neighbourAccount, kind: 'COMPLAINT', subject: 'Відключення без попередження', body: 'Постачання не було 6 годин.' }),
        names.createAppeal,
      );
      expect(complaint).toMatchObject({ kind: 'COMPLAINT', status: 'OPEN', accountNumber: fixture.neighbour.number, phone: null });

      for (const input of [
        { kind: 'CALLBACK', subject: 'Передзвоніть', body: 'Щодо лічильника' },
        { kind: 'CALLBACK', subject: 'Передзвоніть', body: 'Щодо лічильника', phone: '   ' },
        { kind: 'CALLBACK', subject: 'Передзвоніть', body: 'Щодо лічильника', phone: 'зателефонуйте мені' },
        { kind: 'QUESTION', subject: '   ', body: 'Без теми' },
        { kind: 'QUESTION', subject: 'Без тексту', body: '' },
      ]) {
        const response = await create(neighbour, { accountId: neighbourAccount, ...input });
        expectErrorCode(response, 'BAD_USER_INPUT');
        expect(response.data?.[names.createAppeal] ?? null).toBeNull();
      }
      const noPhone = expectErrorCode(await create(neighbour, { accountId: neighbourAccount, kind: 'CALLBACK', subject: 'Передзвоніть', body: 'Так' }), 'BAD_USER_INPUT');
      expect(noPhone.extensions?.field).toBe('phone');

      const callback = appealOf(
        await create(neighbour, {
          accountId: neighbourAccount,
          kind: 'CALLBACK',
          subject: 'Заміна лічильника',
          body: 'Хочу замінити лічильник.',
          // As people here write it, without the country code.
          phone: '(050) 123-45-67',
          preferredCallbackTime: 'у будні після 18:00',
        }),
        names.createAppeal,
      );
      expect(callback).toMatchObject({ kind: 'CALLBACK', status: 'OPEN', phone: '+380501234567', preferredCallbackTime: 'у будні після 18:00' });

      // Only the two accepted ones were filed, newest first, and the supplier's operator has both.
      const appeals = await accountAppeals(neighbour, neighbourAccount);
      expect(appeals).toHaveLength(before + 2);
      expect(appeals.slice(0, 2).map((appeal) => appeal.id)).toEqual([callback.id, complaint.id]);
      const open = await listedIds(neighbourOperator, 'OPEN');
      expect(open).toContain(callback.id);
      expect(open).toContain(complaint.id);
    });

    it('never reopens an appeal closed while a reply was on its way', async () => {
      const appeals = [];
      for (let round = 0; round < 10; round += 1) appeals.push(await demoQuestion(`Гонка ${round}`));
      tick();
      const outcomes = await Promise.all(
        appeals.map(async (appeal) => {
          const [closed, replied] = await Promise.all([
            kit.t.gql(CLOSE, { token: demo, variables: { input: { appealId: appeal.id } } }),
            kit.t.gql(REPLY, { token: holderOperator, variables: { input: { appealId: appeal.id, body: 'Відповідь навздогін' } } }),
          ]);
          return { appeal, closed, replied };
        }),
      );
      const finals = [];
      for (const { appeal, closed, replied } of outcomes) {
        // The close succeeded; the reply either came first or was refused. Either way the appeal ends CLOSED.
        expect(appealOf(closed, names.close).status).toBe('CLOSED');
        if (replied.errors) expectErrorCode(replied, 'APPEAL_CLOSED');
        const seen = (await seenByHolder(demo, holderAccount, appeal.id))!;
        finals.push(`${seen.status} (reply ${replied.errors ? 'refused' : 'accepted'}, ${seen.messages.length} messages)`);
      }
      expect(finals.filter((final) => !final.startsWith('CLOSED'))).toEqual([]);
    });

    it('keeps an appeal from another supplier\'s operator: not listed, not readable, not answered, not closed', async () => {
      const asked = await demoQuestion();
      const theirs = appealOf(await create(neighbour, { accountId: neighbourAccount, kind: 'QUESTION', subject: 'Тариф', body: 'Який тариф з нового року?' }), names.createAppeal);

      const listed = await staffList(neighbourOperator);
      expect(listed.map((appeal) => appeal.id)).toContain(theirs.id);
      expect(listed.map((appeal) => appeal.id)).not.toContain(asked.id);
      for (const appeal of listed) expect(appeal.accountNumber).toMatch(neighbourPattern);
      expect(await listedIds(holderOperator)).not.toContain(theirs.id);

      expectErrorCode(await kit.t.gql(ACCOUNT_APPEALS, { token: neighbourOperator, variables: { id: holderAccount } }), 'FORBIDDEN');
      expectErrorCode(await reply(neighbourOperator, asked.id, 'Відповідь не того оператора'), 'FORBIDDEN');
      expectErrorCode(await close(neighbourOperator, asked.id), 'FORBIDDEN');

      const seen = (await seenByHolder(demo, holderAccount, asked.id))!;
      expect(seen.status).toBe('OPEN');
      expect(seen.updatedAt).toBe(asked.updatedAt);
      expect(seen.messages).toEqual(asked.messages);
    });

    it('keeps an appeal from other customers: not readable, not answered, not closed, none filed on an account they do not hold', async () => {
      const asked = await demoQuestion();
      const stranger = await kit.customer();
      for (const token of [neighbour, stranger.token]) {
        expectErrorCode(await kit.t.gql(ACCOUNT_APPEALS, { token, variables: { id: holderAccount } }), 'FORBIDDEN');
        expectErrorCode(await kit.t.gql(STAFF_APPEALS, { token, variables: { first: 100 } }), 'FORBIDDEN');
        expectErrorCode(await reply(token, asked.id, 'Чужа відповідь'), 'FORBIDDEN');
        expectErrorCode(await close(token, asked.id), 'FORBIDDEN');
        const filed = await create(token, { accountId: holderAccount, kind: 'COMPLAINT', subject: 'Чужий рахунок', body: 'Скарга' });
        expectErrorCode(filed, 'FORBIDDEN');
        expect(filed.data?.[names.createAppeal] ?? null).toBeNull();
      }
      // Nor does an operator file one in a holder's name.
      expectErrorCode(await create(holderOperator, { accountId: holderAccount, kind: 'QUESTION', subject: 'Від оператора', body: 'Текст' }), 'FORBIDDEN');

      const appeals = await accountAppeals(demo, holderAccount);
      expect(appeals.map((appeal) => appeal.subject)).not.toContain('Чужий рахунок');
      expect(appeals.map((appeal) => appeal.subject)).not.toContain('Від оператора');
      const seen = appeals.find((appeal) => appeal.id === asked.id)!;
      expect(seen.status).toBe('OPEN');
      expect(seen.messages).toEqual(asked.messages);
    });

    it('refuses anonymous callers and unknown appeals', async () => {
      const asked = await demoQuestion();
      expectErrorCode(await create('', { accountId: holderAccount, kind: 'QUESTION', subject: 'Анонім', body: 'Текст' }), 'UNAUTHENTICATED');
      expectErrorCode(await kit.t.gql(STAFF_APPEALS, { variables: { first: 10 } }), 'UNAUTHENTICATED');
      expectErrorCode(await reply('', asked.id, 'Анонім'), 'UNAUTHENTICATED');
      expectErrorCode(await close('', asked.id), 'UNAUTHENTICATED');
      expectErrorCode(await reply(demo, randomUUID(), 'Нема такого'), 'APPEAL_NOT_FOUND');
      expectErrorCode(await close(holderOperator, 'not-an-id'), 'APPEAL_NOT_FOUND');
      expectErrorCode(await create(demo, { accountId: randomUUID(), kind: 'QUESTION', subject: 'Нема рахунку', body: 'Текст' }), 'ACCOUNT_NOT_FOUND');
      expect((await seenByHolder(demo, holderAccount, asked.id))!.messages).toHaveLength(1);
    });

    it('does not show the next holder of an account the appeals its previous holder filed', async () => {
      const ref = fixture.unheld.HOLDER_SURNAME;
      const accountId = await kit.accountId(ref);
      const previous = await kit.customer();
      await kit.linkWith(previous.token, ref);
      const filed = appealOf(await create(previous.token, { accountId, kind: 'COMPLAINT', subject: 'Особисте', body: 'Прошу перевірити мій борг.' }), names.createAppeal);
      expectNoGraphQLErrors(await kit.t.gql(UNLINK(names), { token: previous.token, variables: { input: { accountId } } }));
      expectErrorCode(await create(previous.token, { accountId, kind: 'QUESTION', subject: 'Вже не мій', body: 'Текст' }), 'FORBIDDEN');

      const next = await kit.customer();
      await kit.linkWith(next.token, ref);
      expect((await accountAppeals(next.token, accountId)).map((appeal) => appeal.id)).not.toContain(filed.id);
      expectErrorCode(await reply(next.token, filed.id, 'Я новий власник'), 'FORBIDDEN');
      expectErrorCode(await close(next.token, filed.id), 'FORBIDDEN');

      // The supplier still has it, unchanged.
      const operator = await kit.operator(ref.supplier);
      expect((await seenByHolder(operator, accountId, filed.id))?.messages).toEqual(filed.messages);
      expect(await listedIds(operator, 'OPEN')).toContain(filed.id);
      expectNoGraphQLErrors(await kit.t.gql(UNLINK(names), { token: next.token, variables: { input: { accountId } } }));
    });

    it('lists a supplier\'s appeals most recently updated first, a page at a time', async () => {
      const first = await demoQuestion('Перше');
      const second = await demoQuestion('Друге');
      const third = await demoQuestion('Третє');
      // Answering the oldest makes it the most recently updated.
      appealOf(await reply(holderOperator, first.id, 'Відповідаємо на перше'), names.reply);

      const all = await staffList(holderOperator);
      expect(all.map((appeal) => appeal.id).filter((id) => [first.id, second.id, third.id].includes(id))).toEqual([first.id, third.id, second.id]);
      const times = all.map((appeal) => Date.parse(appeal.updatedAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));

      // Pages of two walk the same list, each appeal once.
      expect((await staffList(holderOperator, undefined, 2)).map((appeal) => appeal.id)).toEqual(all.map((appeal) => appeal.id));
      const page = expectNoGraphQLErrors(await kit.t.gql(STAFF_APPEALS, { token: holderOperator, variables: { first: 2 } }))[names.appeals];
      expect(page.edges).toHaveLength(2);
      expect(page.pageInfo.hasNextPage).toBe(true);
      expect(page.edges.map((edge: any) => edge.node.id)).toEqual([first.id, third.id]);

      // The status filter on the same order, one page at a time too.
      const open = await staffList(holderOperator, 'OPEN');
      expect(open.every((appeal) => appeal.status === 'OPEN')).toBe(true);
      expect(open.map((appeal) => appeal.id).filter((id) => [first.id, second.id, third.id].includes(id))).toEqual([third.id, second.id]);
      expect((await staffList(holderOperator, 'OPEN', 1)).map((appeal) => appeal.id)).toEqual(open.map((appeal) => appeal.id));
    });

    it('pages through appeals updated at the same instant without losing or repeating any', async () => {
      const asked = [];
      for (const subject of ['Одночасне 1', 'Одночасне 2', 'Одночасне 3']) {
        asked.push(appealOf(await kit.t.gql(CREATE, { token: demo, variables: { input: { accountId: holderAccount, kind: 'QUESTION', subject, body: 'Текст' } } }), names.createAppeal));
      }
      expect(new Set(asked.map((appeal) => appeal.updatedAt)).size).toBe(1);
      const all = (await staffList(holderOperator)).map((appeal) => appeal.id);
      const byOne = (await staffList(holderOperator, undefined, 1)).map((appeal) => appeal.id);
      expect(byOne).toEqual(all);
      expect(new Set(byOne).size).toBe(byOne.length);
      for (const appeal of asked) expect(byOne).toContain(appeal.id);
    });
  });
}
