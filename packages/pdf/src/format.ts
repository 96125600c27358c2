const currencyLabels: Record<string, string> = { UAH: 'грн' };

/** `UAH` → `грн`; other currencies by their code. */
export function currencyLabel(currency: string): string {
  return currencyLabels[currency] ?? currency;
}

/** `"-12345.5"` → `"−12 345,5"`: thousands split by no-break spaces, decimal comma, true minus. */
export function formatAmount(amount: string): string {
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${amount}`);
  const [, sign, whole = '', fraction] = match;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${sign ? '−' : ''}${grouped}${fraction === undefined ? '' : `,${fraction}`}`;
}

/** `"3826.8"`, `UAH` → `"3 826,8 грн"`. */
export function formatMoney(amount: string, currency: string): string {
  return `${formatAmount(amount)}\u00a0${currencyLabel(currency)}`;
}

/** Meter values and quantities keep their digits (no grouping), only the decimal comma. */
export function formatQuantity(value: string): string {
  return value.replace('.', ',').replace('-', '−');
}

export function formatPercent(value: string): string {
  return formatQuantity(value.includes('.') ? value.replace(/\.?0+$/, '') : value);
}

/** `2026-11-03` → `03.11.2026`. */
export function formatDate(date: string): string {
  const [year, month, day] = date.split('-');
  return `${day}.${month}.${year}`;
}

/** An instant as `03.11.2026 14:05` on the clock of `timeZone`. */
export function formatDateTime(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}.${part('month')}.${part('year')} ${part('hour')}:${part('minute')}`;
}
