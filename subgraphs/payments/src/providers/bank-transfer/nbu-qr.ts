import QRCode from 'qrcode';

/*
 * The National Bank of Ukraine's QR code for a credit transfer, format version 002: a link that a
 * banking app (or a phone camera, which hands the link to one) opens with the transfer filled in.
 *
 * The rules: NBU Board resolution No. 97 of 19 August 2025, in force since 1 November 2025 (it
 * replaced resolutions No. 68 of 2020 and No. 11 of 2021), "Правила формування, передачі та обробки
 * структури даних і графічного зображення QR-коду для обміну реквізитами кредитових та миттєвих
 * кредитових переказів", https://bank.gov.ua/admin_uploads/law/19082025_97.pdf (read from the copy
 * kept in github.com/oleh-khrystenko/finly, docs/product/qr-spec/nbu-003-spec.pdf). Below,
 * "A1 §4" is appendix 1, point 4; "A3" is appendix 3, format 002.
 *
 * - The link: "https://qr.bank.gov.ua/" (or "https://bank.gov.ua/qr/"), then the data in Base64URL,
 *   nothing between them (A3 table 1, §2, §14). The encoded part is at most 475 bytes (A3 table 1);
 *   all the QR code holds at most 507 bytes (A3 §11).
 * - The data: 13 elements in a fixed order (A3 table 2), each ended by LF (or CR+LF, the same for
 *   all; A1 §4, A3 §7-10, LF recommended for 002). The NBU's tables end every element with 0A, the
 *   last, empty one too, as do its examples 2 and 3 (its example 1 leaves the last 0A out).
 *     1 BCD   2 002   3 encoding: 1 = UTF-8, 2 = Windows-1251   4 UCT   5 BIC: reserved, empty
 *     6 recipient, at most 140 characters   7 IBAN, 29   8 amount, e.g. UAH1234.56 (optional)
 *     9 recipient code, at most 10 bytes   10 purpose code: reserved   11 reference: reserved
 *     12 purpose, at most 420 characters, and no more than the 475 encoded bytes leave
 *     13 display: reserved in 002, empty
 * - Lengths of the text elements count characters ("C"), the others bytes ("B") (A3 §6).
 * - Characters: those of Windows-1251 from 32 to 255 but 127, 152 and 160, in UTF-8 their
 *   Unicode equivalents (A1 §4); no control characters, so no line break inside an element.
 * - The amount: the currency's three letters, the hryvnias without leading zeros, and kopecks as
 *   two digits after "." or none at all, as short as it can be ("UAH3" rather than "UAH3.00"),
 *   at most 999999999.99 (A3 §4.8).
 * - The picture: QR version 10 to 20 (A1 §5), at most 17 for 002 (A3 §12); error correction Q, M
 *   or L, but not L with the hryvnia sign (A1 §6, §13), and for 002 the sign in a white circle at
 *   the centre is required, the circle 17 to 25 modules across by version, the sign 4 fewer
 *   (A1 §10-13). M here: version 17 holds 509 bytes at M, just over the 507 (at Q, 367).
 * Base64URL without "=" padding, as in the NBU's examples. Also read: github.com/dashdevs/android-qr-nbu
 * (format 001), hexdocs.pm/qr_nbu_ex (QRNBU.Encoders.Formatter).
 */

/** What a transfer's QR code carries: one supplier's details, in hryvnias only. */
export interface NbuTransferRequest {
  recipient: string;
  iban: string;
  /** ЄДРПОУ (8 digits) of a company or РНОКПП (10) of a person. */
  recipientCode: string;
  amountMinor: number;
  currency: 'UAH';
  purpose: string;
}

/** The elements as the QR code holds them: recipient and purpose cleaned and cut to fit. */
export interface NbuQrData {
  recipient: string;
  iban: string;
  recipientCode: string;
  amount: string;
  purpose: string;
  /** The 13 elements, in order. */
  elements: string[];
}

export const nbuLinkPrefix = 'https://qr.bank.gov.ua/';

const maxRecipientChars = 140;
const maxPurposeChars = 420;
const maxEncodedBytes = 475;
/** The most data whose Base64URL (no padding) stays within 475 characters. */
const maxDataBytes = Math.floor((maxEncodedBytes * 3) / 4);
/** Bytes of purpose kept should a recipient's name alone take the room (never, for real names). */
const purposeFloorBytes = 100;
const maxAmountMinor = 99_999_999_999;

/** The characters an element may hold (A1 §4): Windows-1251's from 32 to 255, but 127, 152 and 160. */
const allowed = new Set(
  new TextDecoder('windows-1251').decode(Uint8Array.from({ length: 224 }, (_, i) => i + 32).filter((byte) => byte !== 0x7f && byte !== 0x98 && byte !== 0xa0)),
);

/** Characters outside that set that have one inside it meaning the same. */
const lookalikes: Record<string, string> = {
  '\u02bc': '\u2019', // the Ukrainian apostrophe (modifier letter) as Windows-1251's right quote
  '\u2011': '-', // non-breaking hyphen
};

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/**
 * The text as an element may hold it: breaks, tabs and no-break spaces become spaces (a line
 * break would end the element), characters Windows-1251 lacks (emoji, say) are left out.
 */
function clean(text: string): string {
  let cleaned = '';
  for (const char of text) {
    const mapped = lookalikes[char] ?? char;
    if (/^[\s\u0000-\u001f\u007f-\u009f]$/.test(mapped)) cleaned += ' ';
    else if (allowed.has(mapped)) cleaned += mapped;
  }
  return cleaned.replace(/ {2,}/g, ' ').trim();
}

/** The text cut to at most `chars` characters (code points: every allowed character is one). */
const cutChars = (text: string, chars: number) => Array.from(text).slice(0, chars).join('').trimEnd();

/** The text cut on a character boundary to at most `bytes` bytes of UTF-8. */
function cutBytes(text: string, bytes: number): string {
  if (utf8Bytes(text) <= bytes) return text;
  let cut = '';
  let used = 0;
  for (const char of text) {
    used += utf8Bytes(char);
    if (used > bytes) break;
    cut += char;
  }
  return cut.trimEnd();
}

/** Whether `iban` is a Ukrainian IBAN: UA, 27 digits, ISO 13616's mod-97 check giving 1. */
function isUkrainianIban(iban: string): boolean {
  if (!/^UA\d{27}$/.test(iban)) return false;
  const digits = `${iban.slice(4)}${'U'.charCodeAt(0) - 55}${'A'.charCodeAt(0) - 55}${iban.slice(2, 4)}`;
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder === 1;
}

/** "UAH1234.56", "UAH300" (A3 §4.8: kopecks as two digits, or nothing when there are none). */
function amountElement(amountMinor: number): string {
  const hryvnias = Math.floor(amountMinor / 100);
  const kopecks = amountMinor % 100;
  return kopecks === 0 ? `UAH${hryvnias}` : `UAH${hryvnias}.${String(kopecks).padStart(2, '0')}`;
}

/** The elements, each ended by LF, the last too (A3 table 2 and its examples). */
const data = (elements: string[]) => elements.map((element) => `${element}\n`).join('');

/**
 * The QR code's elements for a transfer, checked and cut to the format. Throws a RangeError for
 * what no bank would take (an IBAN not Ukrainian or mistyped, a recipient code not of 8 or 10
 * digits, an amount not a positive number of kopecks, no recipient or no purpose); cuts a
 * recipient or purpose that is too long instead: the transfer still reaches the supplier. Show
 * the payer these very `recipient` and `purpose`: the NBU asks the text beside a QR code to say
 * what the code holds (A1 §16).
 */
export function nbuQrData(request: NbuTransferRequest): NbuQrData {
  if (request.currency !== 'UAH') throw new RangeError(`An NBU QR code transfers hryvnias only, not ${request.currency}`);
  if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0 || request.amountMinor > maxAmountMinor) {
    throw new RangeError(`The amount must be a whole number of kopecks from 1 to ${maxAmountMinor}, not ${request.amountMinor}`);
  }
  // Spaces are how IBANs are written for people; the element holds none.
  const iban = request.iban.replace(/\s+/g, '').toUpperCase();
  if (!isUkrainianIban(iban)) throw new RangeError(`Not a valid Ukrainian IBAN (UA, 27 digits, a right check): ${request.iban}`);
  const recipientCode = request.recipientCode.trim();
  if (!/^(\d{8}|\d{10})$/.test(recipientCode)) throw new RangeError(`The recipient code must be 8 digits (EDRPOU) or 10 (RNOKPP), not ${request.recipientCode}`);
  const amount = amountElement(request.amountMinor);

  let recipient = cutChars(clean(request.recipient), maxRecipientChars);
  let purpose = cutChars(clean(request.purpose), maxPurposeChars);
  if (!recipient) throw new RangeError('The recipient has no name');
  if (!purpose) throw new RangeError('The transfer has no purpose');

  const elementsWith = (name: string, text: string) => ['BCD', '002', '1', 'UCT', '', name, iban, amount, recipientCode, '', '', text, ''];
  // Room left in the encoded part once everything but the two texts is in; the purpose gives way
  // first, the recipient only so far as the purpose keeps some room.
  const room = maxDataBytes - utf8Bytes(data(elementsWith('', '')));
  if (utf8Bytes(recipient) + utf8Bytes(purpose) > room) {
    recipient = cutBytes(recipient, room - Math.min(utf8Bytes(purpose), purposeFloorBytes));
    purpose = cutBytes(purpose, room - utf8Bytes(recipient));
  }
  return { recipient, iban, recipientCode, amount, purpose, elements: elementsWith(recipient, purpose) };
}

/** The NBU QR code's link for a transfer (format 002): what the QR code holds and a banking app opens. */
export function nbuPaymentLink(request: NbuTransferRequest): string {
  return nbuLinkOf(nbuQrData(request));
}

/** The link of what a code holds, for a caller that has its data already (to show its words). */
export function nbuLinkOf(qr: NbuQrData): string {
  // Node's base64url leaves out the "=" padding, as the NBU's examples do.
  return nbuLinkPrefix + Buffer.from(data(qr.elements), 'utf8').toString('base64url');
}

/** The white circle's diameter in modules by QR version (A1 §11); versions above 17 are not 002's. */
function circleModules(version: number): number {
  if (version <= 10) return 17;
  if (version <= 12) return 19;
  if (version === 13) return 21;
  if (version <= 15) return 23;
  return 25;
}

/** A hryvnia sign drawn in a 10-unit box centred on 0: the reversed S and its two bars. */
const hryvniaSign = 'M-2.2-2C-1.8-3.6 2-3.8 2-1.7C2 0-2 .2-2 2C-2 3.8 1.6 3.8 2.3 2.2M-3-.7H3M-3 .8H3';

const quietZoneModules = 4;

/**
 * An SVG of the QR code of `text`, as the NBU draws its payment codes: error correction M, QR
 * version 10 at least, the hryvnia sign in a white circle at the centre (A1 §5, §6, §10-13).
 * Light background and a quiet zone of 4 modules of its own, so it scans on a dark page too.
 */
export async function qrSvg(text: string): Promise<string> {
  const fitted = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const qr = fitted.version >= 10 ? fitted : QRCode.create(text, { errorCorrectionLevel: 'M', version: 10 });
  const modules = qr.modules.size;
  const size = modules + 2 * quietZoneModules;
  // One path for the dark modules, a run of them in a row as one rectangle.
  let path = '';
  for (let row = 0; row < modules; row++) {
    for (let column = 0; column < modules; ) {
      if (!qr.modules.get(row, column)) {
        column++;
        continue;
      }
      let run = 1;
      while (column + run < modules && qr.modules.get(row, column + run)) run++;
      path += `M${column + quietZoneModules} ${row + quietZoneModules}h${run}v1h-${run}z`;
      column += run;
    }
  }
  const centre = size / 2;
  const diameter = circleModules(qr.version);
  const signScale = (diameter - 4) / 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}">`,
    `<rect width="${size}" height="${size}" fill="#fff"/>`,
    `<path d="${path}" fill="#000" shape-rendering="crispEdges"/>`,
    `<circle cx="${centre}" cy="${centre}" r="${diameter / 2}" fill="#fff"/>`,
    `<path d="${hryvniaSign}" transform="translate(${centre} ${centre}) scale(${signScale})" fill="none" stroke="#000" stroke-width="1" stroke-linecap="round"/>`,
    '</svg>',
  ].join('');
}
