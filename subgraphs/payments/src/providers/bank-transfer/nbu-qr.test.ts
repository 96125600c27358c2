import { describe, expect, it } from 'vitest';
import { nbuLinkPrefix, nbuPaymentLink, nbuQrData, qrSvg, type NbuTransferRequest } from './nbu-qr';

/** The data a link carries, read back: its elements, and the bytes as they are. */
function decoded(link: string): { bytes: Buffer; text: string; elements: string[] } {
  expect(link.startsWith(nbuLinkPrefix)).toBe(true);
  const encoded = link.slice(nbuLinkPrefix.length);
  // Base64URL with no "=" padding, at most 475 characters (NBU appendix 3, table 1).
  expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
  expect(encoded.length).toBeLessThanOrEqual(475);
  const bytes = Buffer.from(encoded, 'base64url');
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  // Every element ends with LF, the last too: splitting leaves one empty string after it.
  expect(text.endsWith('\n')).toBe(true);
  return { bytes, text, elements: text.split('\n').slice(0, -1) };
}

/**
 * The NBU's own example 2, a utility bill (resolution No. 97, appendix 3, tables 5 and 6), in
 * Windows-1251 (encoding "2") and with the legacy prefix, written as the resolution prints it.
 */
const nbuExample2 =
  'https://bank.gov.ua/qr/QkNECjAwMgoyClVDVAoKz_DA0iDAyiCTwu7k7u_u8fLg9-Dt7f-UClVBNzgzMjI2NjkwMDAwMDI2MDA1MDEyMTA3MTMyClVBSDU3Ni40NQo0MDcyMzgyNQoKCs7v6-Dy4CDn4CD35fDi5e38IDIwMTksIOLz6y4g0eLu4e7k6CAxLCDq4i4gMjQsIM_l8vDl7eruINEuILIuIM_u6uDn4O3t_yDrs_fo6_zt6OrgIDIzNTc4LDMKCg';

const utilityBill: NbuTransferRequest = {
  recipient: 'ПрАТ АК “Водопостачання”',
  // The example's own IBAN, UA783226690000026005012107132, fails the mod-97 check (it is made
  // up); the same account with right check digits.
  iban: 'UA883226690000026005012107132',
  recipientCode: '40723825',
  amountMinor: 57_645,
  currency: 'UAH',
  purpose: 'Оплата за червень 2019, вул. Свободи 1, кв. 24, Петренко С. І. Показання лічильника 23578,3',
};

const request: NbuTransferRequest = {
  recipient: 'ТОВ «Одеська енергозбутова компанія»',
  iban: 'UA663999990000026000010232234',
  recipientCode: '90000033',
  amountMinor: 30_000,
  currency: 'UAH',
  purpose: 'о/р OD4412907, KB0123456789, оплата за електроенергію',
};

describe('the NBU QR code of a bank transfer (format 002)', () => {
  it('lays out the NBU’s example 2 element for element, in UTF-8 and to the exact link', () => {
    const link = nbuPaymentLink(utilityBill);
    // Derived by hand (the elements below, LF after each, UTF-8, Base64URL without padding).
    expect(link).toBe(
      'https://qr.bank.gov.ua/QkNECjAwMgoxClVDVAoK0J_RgNCQ0KIg0JDQmiDigJzQktC-0LTQvtC_0L7RgdGC0LDRh9Cw0L3QvdGP4oCdClVBODgzMjI2NjkwMDAwMDI2MDA1MDEyMTA3MTMyClVBSDU3Ni40NQo0MDcyMzgyNQoKCtCe0L_Qu9Cw0YLQsCDQt9CwINGH0LXRgNCy0LXQvdGMIDIwMTksINCy0YPQuy4g0KHQstC-0LHQvtC00LggMSwg0LrQsi4gMjQsINCf0LXRgtGA0LXQvdC60L4g0KEuINCGLiDQn9C-0LrQsNC30LDQvdC90Y8g0LvRltGH0LjQu9GM0L3QuNC60LAgMjM1NzgsMwoK',
    );
    const { elements } = decoded(link);
    expect(elements).toEqual([
      'BCD',
      '002',
      '1',
      'UCT',
      '',
      'ПрАТ АК “Водопостачання”',
      'UA883226690000026005012107132',
      'UAH576.45',
      '40723825',
      '',
      '',
      'Оплата за червень 2019, вул. Свободи 1, кв. 24, Петренко С. І. Показання лічильника 23578,3',
      '',
    ]);

    // The NBU's own link holds the same elements but for the encoding it names and the IBAN.
    const theirs = new TextDecoder('windows-1251').decode(Buffer.from(nbuExample2.slice('https://bank.gov.ua/qr/'.length), 'base64url'));
    const theirElements = theirs.split('\n').slice(0, -1);
    expect(theirElements[2]).toBe('2');
    expect(theirElements[6]).toBe('UA783226690000026005012107132');
    expect(elements).toEqual(theirElements.map((element, index) => (index === 2 ? '1' : index === 6 ? utilityBill.iban : element)));
  });

  it('writes the amount as short as it goes: kopecks as two digits or none', () => {
    const amount = (amountMinor: number) => decoded(nbuPaymentLink({ ...request, amountMinor })).elements[7];
    expect(amount(123_456)).toBe('UAH1234.56');
    expect(amount(30_000)).toBe('UAH300');
    expect(amount(105)).toBe('UAH1.05');
    expect(amount(1)).toBe('UAH0.01');
    expect(amount(99_999_999_999)).toBe('UAH999999999.99');
  });

  it('puts Cyrillic in UTF-8, as the encoding element "1" says', () => {
    const { bytes, elements } = decoded(nbuPaymentLink(request));
    expect(elements[2]).toBe('1');
    expect(elements[5]).toBe('ТОВ «Одеська енергозбутова компанія»');
    expect(bytes.includes(Buffer.from('Одеська', 'utf8'))).toBe(true);
    // "О" is D0 9E in UTF-8 (CE in Windows-1251).
    expect(bytes.includes(Buffer.from([0xd0, 0x9e]))).toBe(true);
  });

  it('refuses an IBAN that is not a valid Ukrainian one, and takes one written with spaces', () => {
    const iban = (value: string) => () => nbuPaymentLink({ ...request, iban: value });
    expect(iban('UA66399999000002600001023223')).toThrow(RangeError); // 28 characters
    expect(iban('UA6639999900000260000102322340')).toThrow(RangeError); // 30
    expect(iban('UA663999990000026000010232235')).toThrow(/Not a valid Ukrainian IBAN/); // a digit mistyped
    expect(iban('UA673999990000026000010232234')).toThrow(RangeError); // check digits wrong
    expect(iban('DE89370400440532013000')).toThrow(RangeError); // valid, but German
    expect(iban('UA66399999000002600001023223X')).toThrow(RangeError);
    expect(decoded(iban('ua66 3999 9900 0002 6000 0102 3223 4')()).elements[6]).toBe('UA663999990000026000010232234');
  });

  it('refuses a recipient code that is not 8 or 10 digits', () => {
    const code = (value: string) => () => nbuPaymentLink({ ...request, recipientCode: value });
    expect(code('9000003')).toThrow(/8 digits \(EDRPOU\) or 10 \(RNOKPP\)/);
    expect(code('900000330')).toThrow(RangeError);
    expect(code('90000033001')).toThrow(RangeError);
    expect(code('9000003A')).toThrow(RangeError);
    expect(code('АА123456')).toThrow(RangeError);
    expect(decoded(code('1234567890')()).elements[8]).toBe('1234567890');
  });

  it('refuses an amount that is not a positive whole number of kopecks within the format', () => {
    for (const amountMinor of [0, -100, 12.5, Number.NaN, Infinity, 100_000_000_000]) {
      expect(() => nbuPaymentLink({ ...request, amountMinor }), String(amountMinor)).toThrow(RangeError);
    }
    expect(() => nbuPaymentLink({ ...request, currency: 'EUR' as 'UAH' })).toThrow(/hryvnias only/);
  });

  it('refuses a transfer with no recipient or no purpose left', () => {
    expect(() => nbuPaymentLink({ ...request, recipient: ' \n ' })).toThrow(RangeError);
    expect(() => nbuPaymentLink({ ...request, purpose: '\u{1F4A1}' })).toThrow(RangeError);
  });

  it('cuts a recipient to 140 characters rather than fail', () => {
    const data = nbuQrData({ ...request, recipient: `ТОВ ${'Z'.repeat(200)}` });
    expect(Array.from(data.recipient)).toHaveLength(140);
    expect(decoded(nbuPaymentLink({ ...request, recipient: `ТОВ ${'Z'.repeat(200)}` })).elements[5]).toBe(data.recipient);
  });

  it('cuts a purpose on a character boundary, to what the 475 encoded bytes leave', () => {
    const purpose = `о/р OD4412907, KB0123456789, ${'оплата за електроенергію '.repeat(20)}`;
    const link = nbuPaymentLink({ ...request, purpose });
    const { elements, bytes } = decoded(link);
    const cut = elements[11]!;
    expect(cut.length).toBeLessThan(purpose.length);
    expect(purpose.startsWith(cut)).toBe(true);
    expect(cut).not.toMatch(/\s$/);
    expect(elements).toHaveLength(13);
    // Cut to fill the room, not more: one more character would not fit.
    expect(bytes.length).toBeGreaterThan(356 - 2 * 2);
    expect(bytes.length).toBeLessThanOrEqual(356);
    expect(Buffer.byteLength(link)).toBeLessThanOrEqual(507);
    expect(nbuQrData({ ...request, purpose }).purpose).toBe(cut);
  });

  it('keeps room for the purpose even beside a recipient of 140 Cyrillic characters', () => {
    const { elements } = decoded(nbuPaymentLink({ ...request, amountMinor: 99_999_999_999, recipientCode: '1234567890', recipient: 'Я'.repeat(200), purpose: 'П'.repeat(400) }));
    expect(Buffer.byteLength(elements[11]!)).toBeGreaterThanOrEqual(100);
    expect(elements[5]).toMatch(/^Я+$/);
  });

  it('keeps each element on its line: breaks become spaces, characters Windows-1251 lacks are left out', () => {
    const data = nbuQrData({ ...request, recipient: 'ФОП Кравчукʼ\tО.\u00a0В.', purpose: 'оплата\r\nза\u2028газ \u{1F525}  (березень)' });
    expect(data.recipient).toBe('ФОП Кравчук’ О. В.');
    expect(data.purpose).toBe('оплата за газ (березень)');
    expect(data.elements).toHaveLength(13);
    expect(decoded(nbuPaymentLink({ ...request, purpose: 'a\nb\nc' })).elements).toHaveLength(13);
  });

  it('draws the link as an SVG QR code with the hryvnia sign in a white circle', async () => {
    const svg = await qrSvg(nbuPaymentLink(request));
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    // QR version 10 at least (57 modules) and a quiet zone of 4 on each side.
    const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
    expect(size).toBeGreaterThanOrEqual(57 + 8);
    expect((size - 8 - 17) % 4).toBe(0);
    expect(svg).toMatch(/<circle cx="[\d.]+" cy="[\d.]+" r="(8\.5|9\.5|10\.5|11\.5|12\.5)" fill="#fff"\/>/);
    // A short text still gets version 10 (57 modules): the circle's 17 modules across.
    expect(await qrSvg('https://qr.bank.gov.ua/')).toContain('viewBox="0 0 65 65"');
    expect(await qrSvg('https://qr.bank.gov.ua/')).toContain('r="8.5"');
  });
});
