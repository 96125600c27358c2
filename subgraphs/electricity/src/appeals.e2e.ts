import { randomUUID } from 'node:crypto';
import { expectErrorCode, expectNoGraphQLErrors, type GraphQLResponse, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, newCustomer, startElectricityStack, supplierIds } from './testing/e2e';

const APPEAL_FIELDS = `id accountNumber kind subject status phone preferredCallbackTime createdAt updatedAt
  messages { authorRole body createdAt }`;
const CREATE = `mutation Create($input: CreateAppealInput!) { createElectricityAppeal(input: $input) { appeal { ${APPEAL_FIELDS} } } }`;
const REPLY = `mutation Reply($input: ReplyToAppealInput!) { replyToElectricityAppeal(input: $input) { appeal { ${APPEAL_FIELDS} } } }`;
const CLOSE = `mutation Close($input: AppealIdInput!) { closeElectricityAppeal(input: $input) { appeal { ${APPEAL_FIELDS} } } }`;
const ACCOUNT_APPEALS = `query AccountAppeals($id: ID!) { electricityAccount(id: $id) { id appeals { ${APPEAL_FIELDS} } } }`;
const STAFF_APPEALS = `query StaffAppeals($status: AppealStatus, $first: Int, $after: String) {
  electricityAppeals(status: $status, first: $first, after: $after) {
    edges { cursor node { id accountNumber status updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const LINK = `mutation Link($input: LinkAccountInput!) { linkElectricityAccount(input: $input) { account { id } } }`;
const UNLINK = `mutation Unlink($input: AccountIdInput!) { unlinkElectricityAccount(input: $input) { accountId } }`;

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

describe('electricity appeals through the gateway', () => {
  let t: TestStack;
  let demo: string;
  let neighbour: string;
  let kyivOperator: string;
  let odesaOperator: string;
  /** The demo login's Kyiv account (its supplier has an operator), and the neighbour's Odesa one. */
  let demoKyivAccount: string;
  let neighbourOdesaAccount: string;

  beforeAll(async () => {
    t = await startElectricityStack();
    [demo, neighbour, kyivOperator, odesaOperator] = await Promise.all([
      loginAs(t, demoLogins.demo),
      loginAs(t, demoLogins.neighbour),
      loginAs(t, demoLogins.kyivOperator),
      loginAs(t, demoLogins.odesaOperator),
    ]);
    demoKyivAccount = await accountIdOf(t, supplierIds.kyiv, '10234567');
    neighbourOdesaAccount = await accountIdOf(t, supplierIds.odesa, 'OD4412907');
  });
  afterAll(() => t?.stop());

  /** Each step a minute after the one before, as people write: the conversation has an order. */
  const tick = () => t.clock.set(new Date(t.clock.now().getTime() + 60_000));

  const create = async (token: string, input: Record<string, unknown>) => {
    tick();
    return t.gql(CREATE, { token, variables: { input } });
  };
  const reply = async (token: string, appealId: string, body: string) => {
    tick();
    return t.gql(REPLY, { token, variables: { input: { appealId, body } } });
  };
  const close = async (token: string, appealId: string) => {
    tick();
    return t.gql(CLOSE, { token, variables: { input: { appealId } } });
  };
  const appealOf = (response: GraphQLResponse, field: string): Appeal => expectNoGraphQLErrors(response)[field].appeal;

  /** A question the demo login asks about its Kyiv account. */
  const demoQuestion = async (subject = `Питання ${randomUUID().slice(0, 8)}`) =>
    appealOf(
      await create(demo, { accountId: demoKyivAccount, kind: 'QUESTION', subject, body: 'Чому рахунок за жовтень більший, ніж зазвичай?' }),
      'createElectricityAppeal',
    );

  /** The appeals of an account as `token`'s login sees them. */
  const accountAppeals = async (token: string, accountId: string): Promise<Appeal[]> =>
    expectNoGraphQLErrors(await t.gql(ACCOUNT_APPEALS, { token, variables: { id: accountId } })).electricityAccount.appeals;
  const seenByHolder = async (token: string, accountId: string, appealId: string) =>
    (await accountAppeals(token, accountId)).find((appeal) => appeal.id === appealId);

  /** Every appeal an operator's list holds (with `status`), walking all pages. */
  async function staffList(token: string, status?: string, pageSize = 100) {
    const nodes: { id: string; accountNumber: string; status: string; updatedAt: string }[] = [];
    let after: string | null = null;
    for (;;) {
      const response: GraphQLResponse = await t.gql(STAFF_APPEALS, { token, variables: { status, first: pageSize, after } });
      const page: { edges: { node: (typeof nodes)[number] }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } =
        expectNoGraphQLErrors(response).electricityAppeals;
      nodes.push(...page.edges.map((edge) => edge.node));
      if (!page.pageInfo.hasNextPage) return nodes;
      after = page.pageInfo.endCursor;
    }
  }
  const listedIds = async (token: string, status?: string) => (await staffList(token, status)).map((appeal) => appeal.id);

  it('takes a question from the holder to the supplier\'s operator and back, until it is closed', async () => {
    const asked = await demoQuestion('Рахунок за жовтень');
    expect(asked).toMatchObject({
      accountNumber: '10234567',
      kind: 'QUESTION',
      subject: 'Рахунок за жовтень',
      status: 'OPEN',
      phone: null,
      preferredCallbackTime: null,
    });
    expect(asked.messages).toEqual([{ authorRole: 'HOLDER', body: 'Чому рахунок за жовтень більший, ніж зазвичай?', createdAt: asked.createdAt }]);
    expect((await seenByHolder(demo, demoKyivAccount, asked.id))?.status).toBe('OPEN');

    // The supplier's operator finds it among the open ones, and through the account.
    expect(await listedIds(kyivOperator, 'OPEN')).toContain(asked.id);
    expect(await listedIds(kyivOperator, 'ANSWERED')).not.toContain(asked.id);
    expect((await seenByHolder(kyivOperator, demoKyivAccount, asked.id))?.messages).toHaveLength(1);

    const answered = appealOf(await reply(kyivOperator, asked.id, 'У жовтні діяв новий тариф; деталі в рядках рахунку.'), 'replyToElectricityAppeal');
    expect(answered.status).toBe('ANSWERED');
    expect(Date.parse(answered.updatedAt)).toBeGreaterThan(Date.parse(asked.updatedAt));
    expect(await listedIds(kyivOperator, 'OPEN')).not.toContain(asked.id);
    expect(await listedIds(kyivOperator, 'ANSWERED')).toContain(asked.id);

    // The holder sees the answer, and a reply opens it again.
    const seen = (await seenByHolder(demo, demoKyivAccount, asked.id))!;
    expect(seen.status).toBe('ANSWERED');
    expect(seen.messages.map((message) => [message.authorRole, message.body])).toEqual([
      ['HOLDER', 'Чому рахунок за жовтень більший, ніж зазвичай?'],
      ['OPERATOR', 'У жовтні діяв новий тариф; деталі в рядках рахунку.'],
    ]);
    const reopened = appealOf(await reply(demo, asked.id, 'А якщо показання були неправильні?'), 'replyToElectricityAppeal');
    expect(reopened.status).toBe('OPEN');
    expect(reopened.messages.map((message) => message.authorRole)).toEqual(['HOLDER', 'OPERATOR', 'HOLDER']);
    expect(await listedIds(kyivOperator, 'OPEN')).toContain(asked.id);
    expect(await listedIds(kyivOperator, 'ANSWERED')).not.toContain(asked.id);

    const closed = appealOf(await close(demo, asked.id), 'closeElectricityAppeal');
    expect(closed.status).toBe('CLOSED');
    expect(await listedIds(kyivOperator, 'CLOSED')).toContain(asked.id);
    expect(await listedIds(kyivOperator, 'OPEN')).not.toContain(asked.id);

    // Closed: nobody adds to it any more, and refusing changes nothing.
    expectErrorCode(await reply(demo, asked.id, 'Ще одне питання'), 'APPEAL_CLOSED');
    expectErrorCode(await reply(kyivOperator, asked.id, 'Ще одна відповідь'), 'APPEAL_CLOSED');
    const after = (await seenByHolder(demo, demoKyivAccount, asked.id))!;
    expect(after.status).toBe('CLOSED');
    expect(after.updatedAt).toBe(closed.updatedAt);
    expect(after.messages).toEqual(closed.messages);
    expect(after.messages).toHaveLength(3);
  });

  it('lets the supplier\'s operator close an appeal; the holder\'s reply is then refused', async () => {
    const asked = await demoQuestion();
    expect(appealOf(await close(kyivOperator, asked.id), 'closeElectricityAppeal').status).toBe('CLOSED');
    expectErrorCode(await reply(demo, asked.id, 'Але ж я не отримала відповіді'), 'APPEAL_CLOSED');
    const seen = (await seenByHolder(demo, demoKyivAccount, asked.id))!;
    expect(seen.status).toBe('CLOSED');
    expect(seen.messages).toHaveLength(1);
  });

  it('files complaints and callback requests; a callback needs a phone in international format', async () => {
    const before = (await accountAppeals(neighbour, neighbourOdesaAccount)).length;
    const complaint = appealOf(
      await create(neighbour, { accountId: neighbourOdesaAccount, kind: 'COMPLAINT', subject: 'Відключення без попередження', body: 'Світла не було 6 годин.' }),
      'createElectricityAppeal',
    );
    expect(complaint).toMatchObject({ kind: 'COMPLAINT', status: 'OPEN', accountNumber: 'OD4412907', phone: null });

    const refusals = [
      { kind: 'CALLBACK', subject: 'Передзвоніть', body: 'Щодо лічильника' },
      { kind: 'CALLBACK', subject: 'Передзвоніть', body: 'Щодо лічильника', phone: '   ' },
      { kind: 'CALLBACK', subject: 'Передзвоніть', body: 'Щодо лічильника', phone: 'зателефонуйте мені' },
      { kind: 'QUESTION', subject: '   ', body: 'Без теми' },
      { kind: 'QUESTION', subject: 'Без тексту', body: '' },
    ];
    for (const input of refusals) {
      const response = await create(neighbour, { accountId: neighbourOdesaAccount, ...input });
      expectErrorCode(response, 'BAD_USER_INPUT');
      expect(response.data?.createElectricityAppeal ?? null).toBeNull();
    }
    const noPhone = expectErrorCode(await create(neighbour, { accountId: neighbourOdesaAccount, kind: 'CALLBACK', subject: 'Передзвоніть', body: 'Так' }), 'BAD_USER_INPUT');
    expect(noPhone.extensions?.field).toBe('phone');

    const callback = appealOf(
      await create(neighbour, {
        accountId: neighbourOdesaAccount,
        kind: 'CALLBACK',
        subject: 'Заміна лічильника',
        body: 'Хочу замінити лічильник на двозонний.',
        phone: '+380 (50) 123-45-67',
        preferredCallbackTime: 'у будні після 18:00',
      }),
      'createElectricityAppeal',
    );
    expect(callback).toMatchObject({ kind: 'CALLBACK', status: 'OPEN', phone: '+380501234567', preferredCallbackTime: 'у будні після 18:00' });

    // Only the two accepted ones were filed, newest first, and the supplier's operator has both.
    const appeals = await accountAppeals(neighbour, neighbourOdesaAccount);
    expect(appeals).toHaveLength(before + 2);
    expect(appeals.slice(0, 2).map((appeal) => appeal.id)).toEqual([callback.id, complaint.id]);
    const odesaOpen = await listedIds(odesaOperator, 'OPEN');
    expect(odesaOpen).toContain(callback.id);
    expect(odesaOpen).toContain(complaint.id);
  });

  it('never reopens an appeal closed while a reply was on its way', async () => {
    const appeals = [];
    for (let round = 0; round < 10; round += 1) appeals.push(await demoQuestion(`Гонка ${round}`));
    tick();
    const outcomes = await Promise.all(
      appeals.map(async (appeal) => {
        const [closed, replied] = await Promise.all([
          t.gql(CLOSE, { token: demo, variables: { input: { appealId: appeal.id } } }),
          t.gql(REPLY, { token: kyivOperator, variables: { input: { appealId: appeal.id, body: 'Відповідь навздогін' } } }),
        ]);
        return { appeal, closed, replied };
      }),
    );
    const finals = [];
    for (const { appeal, closed, replied } of outcomes) {
      // The close succeeded; the reply either came first or was refused. Either way the appeal ends CLOSED.
      expect(appealOf(closed, 'closeElectricityAppeal').status).toBe('CLOSED');
      if (replied.errors) expectErrorCode(replied, 'APPEAL_CLOSED');
      const seen = (await seenByHolder(demo, demoKyivAccount, appeal.id))!;
      finals.push(`${seen.status} (reply ${replied.errors ? 'refused' : 'accepted'}, ${seen.messages.length} messages)`);
    }
    expect(finals.filter((final) => !final.startsWith('CLOSED'))).toEqual([]);
  });

  it('keeps an appeal from another supplier\'s operator: not listed, not readable, not answered, not closed', async () => {
    const asked = await demoQuestion();
    const odesaAppeal = appealOf(
      await create(neighbour, { accountId: neighbourOdesaAccount, kind: 'QUESTION', subject: 'Тариф', body: 'Який тариф з грудня?' }),
      'createElectricityAppeal',
    );

    const listed = await staffList(odesaOperator);
    expect(listed.map((appeal) => appeal.id)).toContain(odesaAppeal.id);
    expect(listed.map((appeal) => appeal.id)).not.toContain(asked.id);
    for (const appeal of listed) expect(appeal.accountNumber).toMatch(/^[A-Z]{2}\d{7}$/);
    expect(await listedIds(kyivOperator)).not.toContain(odesaAppeal.id);

    expectErrorCode(await t.gql(ACCOUNT_APPEALS, { token: odesaOperator, variables: { id: demoKyivAccount } }), 'FORBIDDEN');
    expectErrorCode(await reply(odesaOperator, asked.id, 'Відповідь не того оператора'), 'FORBIDDEN');
    expectErrorCode(await close(odesaOperator, asked.id), 'FORBIDDEN');

    const seen = (await seenByHolder(demo, demoKyivAccount, asked.id))!;
    expect(seen.status).toBe('OPEN');
    expect(seen.updatedAt).toBe(asked.updatedAt);
    expect(seen.messages).toEqual(asked.messages);
  });

  it('keeps an appeal from other customers: not readable, not answered, not closed, none filed on an account they do not hold', async () => {
    const asked = await demoQuestion();
    const stranger = await newCustomer(t);
    for (const token of [neighbour, stranger.token]) {
      expectErrorCode(await t.gql(ACCOUNT_APPEALS, { token, variables: { id: demoKyivAccount } }), 'FORBIDDEN');
      expectErrorCode(await t.gql(STAFF_APPEALS, { token, variables: { first: 100 } }), 'FORBIDDEN');
      expectErrorCode(await reply(token, asked.id, 'Чужа відповідь'), 'FORBIDDEN');
      expectErrorCode(await close(token, asked.id), 'FORBIDDEN');
      const filed = await create(token, { accountId: demoKyivAccount, kind: 'COMPLAINT', subject: 'Чужий рахунок', body: 'Скарга' });
      expectErrorCode(filed, 'FORBIDDEN');
      expect(filed.data?.createElectricityAppeal ?? null).toBeNull();
    }
    // Nor does an operator file one in a holder's name.
    expectErrorCode(await create(kyivOperator, { accountId: demoKyivAccount, kind: 'QUESTION', subject: 'Від оператора', body: 'Текст' }), 'FORBIDDEN');

    const appeals = await accountAppeals(demo, demoKyivAccount);
    expect(appeals.map((appeal) => appeal.subject)).not.toContain('Чужий рахунок');
    expect(appeals.map((appeal) => appeal.subject)).not.toContain('Від оператора');
    const seen = appeals.find((appeal) => appeal.id === asked.id)!;
    expect(seen.status).toBe('OPEN');
    expect(seen.messages).toEqual(asked.messages);
  });

  it('refuses anonymous callers and unknown appeals', async () => {
    const asked = await demoQuestion();
    expectErrorCode(await create('', { accountId: demoKyivAccount, kind: 'QUESTION', subject: 'Анонім', body: 'Текст' }), 'UNAUTHENTICATED');
    expectErrorCode(await t.gql(STAFF_APPEALS, { variables: { first: 10 } }), 'UNAUTHENTICATED');
    expectErrorCode(await reply('', asked.id, 'Анонім'), 'UNAUTHENTICATED');
    expectErrorCode(await close('', asked.id), 'UNAUTHENTICATED');
    expectErrorCode(await reply(demo, randomUUID(), 'Нема такого'), 'APPEAL_NOT_FOUND');
    expectErrorCode(await close(kyivOperator, 'not-an-id'), 'APPEAL_NOT_FOUND');
    expectErrorCode(await create(demo, { accountId: randomUUID(), kind: 'QUESTION', subject: 'Нема рахунку', body: 'Текст' }), 'ACCOUNT_NOT_FOUND');
    expect((await seenByHolder(demo, demoKyivAccount, asked.id))!.messages).toHaveLength(1);
  });

  it('does not show the next holder of an account the appeals its previous holder filed', async () => {
    const accountId = await accountIdOf(t, supplierIds.kyiv, '10987654');
    const linkKovalchuk = (token: string) =>
      t.gql(LINK, { token, variables: { input: { supplierId: supplierIds.kyiv, accountNumber: '10987654', proof: { kind: 'HOLDER_SURNAME', value: 'Ковальчук' } } } });
    const previous = await newCustomer(t);
    expectNoGraphQLErrors(await linkKovalchuk(previous.token));
    const filed = appealOf(
      await create(previous.token, { accountId, kind: 'COMPLAINT', subject: 'Особисте', body: 'Прошу перевірити мій борг.' }),
      'createElectricityAppeal',
    );
    expectNoGraphQLErrors(await t.gql(UNLINK, { token: previous.token, variables: { input: { accountId } } }));
    expectErrorCode(await create(previous.token, { accountId, kind: 'QUESTION', subject: 'Вже не мій', body: 'Текст' }), 'FORBIDDEN');

    const next = await newCustomer(t);
    expectNoGraphQLErrors(await linkKovalchuk(next.token));
    expect((await accountAppeals(next.token, accountId)).map((appeal) => appeal.id)).not.toContain(filed.id);
    expectErrorCode(await reply(next.token, filed.id, 'Я новий власник'), 'FORBIDDEN');
    expectErrorCode(await close(next.token, filed.id), 'FORBIDDEN');

    // The supplier still has it, unchanged.
    expect((await seenByHolder(kyivOperator, accountId, filed.id))?.messages).toEqual(filed.messages);
    expect(await listedIds(kyivOperator, 'OPEN')).toContain(filed.id);
    expectNoGraphQLErrors(await t.gql(UNLINK, { token: next.token, variables: { input: { accountId } } }));
  });

  it('lists a supplier\'s appeals most recently updated first, a page at a time', async () => {
    const first = await demoQuestion('Перше');
    const second = await demoQuestion('Друге');
    const third = await demoQuestion('Третє');
    // Answering the oldest makes it the most recently updated.
    appealOf(await reply(kyivOperator, first.id, 'Відповідаємо на перше'), 'replyToElectricityAppeal');

    const all = await staffList(kyivOperator);
    const ours = all.map((appeal) => appeal.id).filter((id) => [first.id, second.id, third.id].includes(id));
    expect(ours).toEqual([first.id, third.id, second.id]);
    const times = all.map((appeal) => Date.parse(appeal.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    // Pages of two walk the same list, each appeal once.
    const paged = await staffList(kyivOperator, undefined, 2);
    expect(paged.map((appeal) => appeal.id)).toEqual(all.map((appeal) => appeal.id));
    const page = expectNoGraphQLErrors(await t.gql(STAFF_APPEALS, { token: kyivOperator, variables: { first: 2 } })).electricityAppeals;
    expect(page.edges).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(page.edges.map((edge: any) => edge.node.id)).toEqual([first.id, third.id]);

    // The status filter on the same order, one page at a time too.
    const open = await staffList(kyivOperator, 'OPEN');
    expect(open.every((appeal) => appeal.status === 'OPEN')).toBe(true);
    expect(open.map((appeal) => appeal.id).filter((id) => [first.id, second.id, third.id].includes(id))).toEqual([third.id, second.id]);
    expect((await staffList(kyivOperator, 'OPEN', 1)).map((appeal) => appeal.id)).toEqual(open.map((appeal) => appeal.id));
  });

  it('pages through appeals updated at the same instant without losing or repeating any', async () => {
    // Three appeals filed within one tick of the clock.
    const asked = [];
    for (const subject of ['Одночасне 1', 'Одночасне 2', 'Одночасне 3']) {
      const response = await t.gql(CREATE, {
        token: demo,
        variables: { input: { accountId: demoKyivAccount, kind: 'QUESTION', subject, body: 'Текст' } },
      });
      asked.push(appealOf(response, 'createElectricityAppeal'));
    }
    expect(new Set(asked.map((appeal) => appeal.updatedAt)).size).toBe(1);
    const all = (await staffList(kyivOperator)).map((appeal) => appeal.id);
    const byOne = (await staffList(kyivOperator, undefined, 1)).map((appeal) => appeal.id);
    expect(byOne).toEqual(all);
    expect(new Set(byOne).size).toBe(byOne.length);
    for (const appeal of asked) expect(byOne).toContain(appeal.id);
  });
});
