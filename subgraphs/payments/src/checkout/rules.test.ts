import { describe, expect, it } from 'vitest';
import { checkoutRequest, parseItemAmount, requestHash } from './request';
import { afterProviderSaid } from './status';
import type { PaymentOutcome } from '../providers/provider';

const account = '2ca225c8-9ea6-5c34-a876-9088ac644ca1';
const options = { providers: ['LIQPAY'], allowedReturnOrigins: ['https://app.kabinet.test'] };
const input = (amount: string, extra: Partial<Parameters<typeof checkoutRequest>[0]> = {}) => ({
  items: [{ utility: 'ELECTRICITY', accountId: account, amount }],
  provider: 'LIQPAY',
  idempotencyKey: 'key-12345678',
  returnUrl: 'https://app.kabinet.test/paid',
  ...extra,
});

describe('checkout amounts', () => {
  it('reads what people type, in kopiyky', () => {
    expect(parseItemAmount('250')).toBe(25_000);
    expect(parseItemAmount('250.5')).toBe(25_050);
    expect(parseItemAmount(' 250,05 ')).toBe(25_005);
    expect(parseItemAmount('0.01')).toBe(1);
    expect(parseItemAmount('100000')).toBe(10_000_000);
  });

  it('refuses zero, negatives, fractions of a kopiyka, exponents and the over-limit', () => {
    const codeOf = (amount: string) => {
      try {
        parseItemAmount(amount);
        return 'accepted';
      } catch (error) {
        return (error as { extensions: { code: string } }).extensions.code;
      }
    };
    expect(['0', '0.00', '-1'].map(codeOf)).toEqual(['AMOUNT_NOT_POSITIVE', 'AMOUNT_NOT_POSITIVE', 'AMOUNT_NOT_POSITIVE']);
    expect(['1.001', '1e3', '12,3x', '', '1.2.3'].map(codeOf)).toEqual(Array(5).fill('AMOUNT_FORMAT'));
    expect(codeOf('100000.01')).toBe('AMOUNT_OVER_LIMIT');
  });

  it('keeps the total under the limit, each account once, and only allowed return addresses', () => {
    const twice = { items: [{ utility: 'HEAT', accountId: account, amount: '1' }, { utility: 'HEAT', accountId: account.toUpperCase(), amount: '2' }] };
    expect(() => checkoutRequest(input('1', twice), options)).toThrow(/once/);
    const big = { items: [{ utility: 'HEAT', accountId: account, amount: '60000' }, { utility: 'ELECTRICITY', accountId: account, amount: '60000' }] };
    expect(() => checkoutRequest(input('1', big), options)).toThrow(/at most/);
    for (const returnUrl of ['https://evil.example/paid', 'javascript:alert(1)', 'not a url']) {
      expect(() => checkoutRequest(input('1', { returnUrl }), options)).toThrow(/return address/);
    }
  });

  it('names the item a refusal is about, so that an app can mark it', () => {
    const refusalOf = (items: { utility: string; accountId: string; amount: string }[]) => {
      try {
        checkoutRequest(input('1', { items }), options);
        return 'accepted';
      } catch (error) {
        return (error as { extensions: Record<string, unknown> }).extensions;
      }
    };
    const good = { utility: 'ELECTRICITY', accountId: account, amount: '10' };
    const heat = (amount: string, accountId = account) => ({ utility: 'HEAT', accountId, amount });
    expect(refusalOf([good, heat('10,001')])).toEqual({ code: 'AMOUNT_FORMAT', field: 'amount', item: 1 });
    expect(refusalOf([heat('0'), good])).toEqual({ code: 'AMOUNT_NOT_POSITIVE', field: 'amount', item: 0 });
    expect(refusalOf([good, good, heat('5', 'not-an-id')].slice(1))).toEqual({ code: 'ACCOUNT_NOT_HELD', field: 'accountId', item: 1 });
  });

  it('hashes the request the key stands for, not how the amounts were typed', () => {
    expect(requestHash(checkoutRequest(input('250.5'), options))).toBe(requestHash(checkoutRequest(input('250,50'), options)));
    expect(requestHash(checkoutRequest(input('250.5'), options))).not.toBe(requestHash(checkoutRequest(input('250.51'), options)));
  });
});

describe('a provider’s news about a checkout', () => {
  const outcomes: PaymentOutcome[] = ['PENDING', 'FAILED', 'CAPTURED', 'REVERSED'];

  it('ends in the same state whatever order the news comes in, and never goes back', () => {
    const permutations = (items: PaymentOutcome[]): PaymentOutcome[][] =>
      items.length <= 1 ? [items] : items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
    for (const news of permutations(['FAILED', 'CAPTURED', 'PENDING'])) {
      expect(news.reduce(afterProviderSaid, 'PENDING' as PaymentOutcome)).toBe('CAPTURED');
    }
    for (const from of outcomes) for (const said of outcomes) expect(outcomes.indexOf(afterProviderSaid(from, said))).toBeGreaterThanOrEqual(outcomes.indexOf(from));
    expect(afterProviderSaid('REVERSED', 'CAPTURED')).toBe('REVERSED');
    expect(afterProviderSaid('FAILED', 'CAPTURED')).toBe('CAPTURED');
  });
});
