import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeData, encodeData, majorUnits, outcomeOf, sign, signed, verified } from './protocol';

const keys = { publicKey: 'sandbox_i00000000001', privateKey: 'sandbox_private_key_1' };

describe('LiqPay signatures', () => {
  it('sign API v3 with base64(sha1(private + data + private))', () => {
    const data = encodeData({ version: 3, action: 'pay', amount: 1, currency: 'UAH', order_id: 'o-1' });
    const expected = createHash('sha1').update(`${keys.privateKey}${data}${keys.privateKey}`).digest('base64');
    expect(sign(keys.privateKey, data, 3)).toBe(expected);
    // The example `data` of LiqPay's documentation decodes to its request.
    const docData = 'eyJ2ZXJzaW9uIjozLCJwdWJsaWNfa2V5IjoiaTAwMDAwMDAwIiwiYWN0aW9uIjoicGF5IiwiYW1vdW50IjoxLCJjdXJyZW5jeSI6IlVTRCIsImRlc2NyaXB0aW9uIjoiZGVzY3JpcHRpb24gdGV4dCIsIm9yZGVyX2lkIjoib3JkZXJfaWRfMSJ9';
    expect(decodeData(docData)).toMatchObject({ version: 3, action: 'pay', amount: 1, currency: 'USD', order_id: 'order_id_1' });
  });

  it('sign API v7 with SHA3-256 in the same construction', () => {
    const message = signed(keys, { version: 7, action: 'status', order_id: 'o-1' });
    const expected = createHash('sha3-256').update(`${keys.privateKey}${message.data}${keys.privateKey}`).digest('base64');
    expect(message.signature).toBe(expected);
    expect(verified(keys.privateKey, message)).toMatchObject({ version: 7, public_key: keys.publicKey });
  });

  it('refuse an altered data, a forged signature and a signature of the other version', () => {
    const message = signed(keys, { version: 3, action: 'pay', amount: 10, order_id: 'o-2' });
    expect(verified(keys.privateKey, message)).toMatchObject({ amount: 10 });
    const altered = encodeData({ ...decodeData(message.data), amount: 1000 });
    expect(verified(keys.privateKey, { data: altered, signature: message.signature })).toBeNull();
    expect(verified('another_private_key', message)).toBeNull();
    expect(verified(keys.privateKey, { data: message.data, signature: sign(keys.privateKey, message.data, 7) })).toBeNull();
    expect(verified(keys.privateKey, { data: 'not base64 json!', signature: message.signature })).toBeNull();
  });
});

describe('LiqPay statuses', () => {
  it('map to what a checkout becomes', () => {
    expect(['success', 'sandbox'].map(outcomeOf)).toEqual(['CAPTURED', 'CAPTURED']);
    expect(['failure', 'error'].map(outcomeOf)).toEqual(['FAILED', 'FAILED']);
    expect(outcomeOf('reversed')).toBe('REVERSED');
    expect(['processing', 'wait_accept', '3ds_verify', 'otp_verify', 'cvv_verify', 'wait_secure'].map(outcomeOf)).toEqual(Array(6).fill('PENDING'));
  });

  it('take amounts in major units, exactly', () => {
    expect(majorUnits(123456)).toBe(1234.56);
    expect(majorUnits(10)).toBe(0.1);
    expect(majorUnits(1)).toBe(0.01);
  });
});
