import { expectErrorCode, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, startElectricityStack, supplierIds } from './testing/e2e';

/*
 * Messages follow Accept-Language (Ukrainian, English, Russian); codes and details never do.
 * Without the header, or in a language Kabinet does not speak, the API answers in English.
 */

const submit = `mutation ($input: SubmitReadingsInput!) { submitElectricityReadings(input: $input) { account { id } } }`;
const link = `mutation ($input: LinkAccountInput!) { linkElectricityAccount(input: $input) { account { id } } }`;
const login = `mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`;

describe('errors in the language the client asks for', () => {
  let t: TestStack;
  let token: string;
  let accountId: string;
  beforeAll(async () => {
    t = await startElectricityStack();
    token = await loginAs(t, demoLogins.demo);
    accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    // 10 December: Kyiv-energo's window (days 1 to 5) is closed.
    t.clock.set('2026-12-10T10:00:00Z');
  });
  afterAll(() => t?.stop());

  const closedWindow = (language?: string) =>
    t.gql(submit, {
      token,
      headers: language ? { 'accept-language': language } : {},
      variables: { input: { accountId, readings: [{ meterId: crypto.randomUUID(), zone: 'DAY', value: '1' }] } },
    });

  it('says when the window opens in Ukrainian, English or Russian, with the same code and details', async () => {
    const answers = {
      uk: expectErrorCode(await closedWindow('uk-UA,uk;q=0.9,en;q=0.5'), 'READING_WINDOW_CLOSED'),
      en: expectErrorCode(await closedWindow('en-GB'), 'READING_WINDOW_CLOSED'),
      ru: expectErrorCode(await closedWindow('ru'), 'READING_WINDOW_CLOSED'),
    };
    expect(answers.uk.message).toContain('сьогодні не приймає показання');
    expect(answers.uk.message).toContain('з 1 січня 2027');
    expect(answers.en.message).toContain('is not taking readings today');
    expect(answers.en.message).toContain('from 1 January 2027');
    expect(answers.ru.message).toContain('сегодня не принимает показания');
    expect(answers.ru.message).toContain('с 1 января 2027');
    for (const answer of Object.values(answers)) expect(answer.extensions).toEqual(answers.en.extensions);
  });

  it('answers in English without Accept-Language, or in a language it does not speak', async () => {
    for (const language of [undefined, 'de-DE', '*']) {
      expect(expectErrorCode(await closedWindow(language), 'READING_WINDOW_CLOSED').message).toContain('is not taking readings today');
    }
  });

  it('speaks the language at the gateway and at every subgraph alike', async () => {
    const badToken = await t.gql('{ me { id } }', { token: 'not-a-token', headers: { 'accept-language': 'uk' } });
    expect(expectErrorCode(badToken, 'UNAUTHENTICATED').message).toBe('Токен доступу недійсний');
    const wrongPassword = await t.gql(login, { headers: { 'accept-language': 'ru' }, variables: { input: { email: 'nobody@kabinet.test', password: 'x' } } });
    expect(expectErrorCode(wrongPassword, 'INVALID_CREDENTIALS').message).toBe('Неверный адрес почты или пароль');
    const badNumber = await t.gql(link, {
      token,
      headers: { 'accept-language': 'uk' },
      variables: { input: { supplierId: supplierIds.kyiv, accountNumber: '12', proof: { kind: 'HOLDER_SURNAME', value: 'x' } } },
    });
    const refusal = expectErrorCode(badNumber, 'INVALID_ACCOUNT_NUMBER');
    expect(refusal.message).toMatch(/^Номери рахунків .+ мають такий вигляд: 8 цифр, напр\. 10234567$/);
    // A detail given in every language is told in the asked one too.
    expect(refusal.extensions).toMatchObject({ field: 'accountNumber', expectedFormat: '8 цифр, напр. 10234567' });
  });

  it('says a subgraph is unavailable in the language asked for, from the gateway itself', async () => {
    await t.stack.stopSubgraph('electricity');
    try {
      const response = await t.gql('{ me { electricityAccounts { id } } }', { token, headers: { 'accept-language': 'uk' } });
      const unavailable = expectErrorCode(response, 'SERVICE_UNAVAILABLE');
      expect(unavailable.message).toMatch(/[а-яіїєґ]/i);
      expect(unavailable.extensions).toMatchObject({ serviceName: 'electricity' });
    } finally {
      await t.stack.startSubgraph('electricity');
    }
  });

  it('tells each supplier\'s rules in the language asked for', async () => {
    const formats = async (language: string) => {
      const response = await t.gql('{ electricitySuppliers { id accountNumberFormat } }', { headers: { 'accept-language': language } });
      const suppliers = response.data!.electricitySuppliers as { id: string; accountNumberFormat: string }[];
      return suppliers.find((supplier) => supplier.id === supplierIds.lviv)!.accountNumberFormat;
    };
    expect(await formats('uk')).toBe('2 цифри, дефіс і 6 цифр, напр. 46-208311');
    expect(await formats('en')).toBe('2 digits, a dash and 6 digits, e.g. 46-208311');
    expect(await formats('ru')).toBe('2 цифры, дефис и 6 цифр, напр. 46-208311');
  });

  it('names the unit in the language asked for, not the bill\'s Ukrainian one', async () => {
    const quote = 'query ($input: TariffQuoteInput!) { electricityTariffQuote(input: $input) { total { amount } } }';
    const refused = async (language: string) => {
      const variables = { input: { supplierId: supplierIds.kyiv, consumption: [{ zone: 'SINGLE', value: '-5' }] } };
      return expectErrorCode(await t.gql(quote, { headers: { 'accept-language': language }, variables }), 'INVALID_CONSUMPTION').message;
    };
    expect(await refused('en')).toContain('a non-negative amount of kWh');
    expect(await refused('uk')).toContain('кількість кВт·год');
    expect(await refused('ru')).toContain('количество кВт·ч');
  });

  it('refuses bad input at the edge in the language asked for too', async () => {
    const response = await t.gql(login, { headers: { 'accept-language': 'uk' }, variables: { input: { email: 'a\u0000@kabinet.test', password: 'x' } } });
    expect(expectErrorCode(response, 'BAD_USER_INPUT').message).toBe('Текст не може містити керівних символів, як-от NUL');
  });
});
