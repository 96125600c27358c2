/**
 * Ukrainian words printed on bills and in the ledger. BEWARE: bills are legal documents;
 * change wording here only, and expect the PDF tests to notice.
 */
const months = ['січень', 'лютий', 'березень', 'квітень', 'травень', 'червень', 'липень', 'серпень', 'вересень', 'жовтень', 'листопад', 'грудень'];

/** `2026-11` → `листопад 2026` (after "за" the accusative of these months is the same word). */
export function periodLabel(period: string): string {
  const [year, month] = period.split('-');
  const name = months[Number(month) - 1];
  if (!name || !year) throw new RangeError(`not a billing period: ${period}`);
  return `${name} ${year}`;
}
