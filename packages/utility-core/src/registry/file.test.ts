import { describe, expect, it } from 'vitest';
import { readRegistry, RegistryFileError } from './file';

describe('a bank payment registry file', () => {
  it('reads a Ukrainian bank export: `;`, decimal commas, dotted dates, a BOM and Ukrainian headers', () => {
    const text = '\uFEFFДата;Особовий рахунок;Сума;Номер документа;Платник\n28.11.2026;10234567;1 250,40;PB-0001;Демченко О.\n29.11.2026;10987654;99,5;PB-0002;\n';
    expect(readRegistry(text)).toEqual({
      rows: [
        { line: 2, paidOn: '2026-11-28', accountNumber: '10234567', amountMinor: 125_040, reference: 'PB-0001', payer: 'Демченко О.', purpose: null },
        { line: 3, paidOn: '2026-11-29', accountNumber: '10987654', amountMinor: 9_950, reference: 'PB-0002', payer: null, purpose: null },
      ],
      problems: [],
    });
  });

  it('reads comma-separated English columns in any order', () => {
    const { rows } = readRegistry('reference,amount,account,date\nX1,"1250.40",OD4412907,2026-11-28\n');
    expect(rows).toEqual([{ line: 2, paidOn: '2026-11-28', accountNumber: 'OD4412907', amountMinor: 125_040, reference: 'X1', payer: null, purpose: null }]);
  });

  it('reads the payment purpose under its Ukrainian header, a bank transfer’s reference within it; without the column there is none', () => {
    const text = [
      'Дата;Особовий рахунок;Сума;Номер документа;  Призначення  ПЛАТЕЖУ ',
      '29.11.2026;10234567;250,00;PB-0001;Оплата за електроенергію, о/р 10234567, KB7M2Q9D4XKT',
      '29.11.2026;10987654;99,50;PB-0002;',
    ].join('\n');
    expect(readRegistry(text).rows.map(({ reference, purpose }) => ({ reference, purpose }))).toEqual([
      { reference: 'PB-0001', purpose: 'Оплата за електроенергію, о/р 10234567, KB7M2Q9D4XKT' },
      { reference: 'PB-0002', purpose: null },
    ]);
    for (const header of ['purpose', 'Payment Purpose', 'призначення', 'Назначение платежа']) {
      expect(readRegistry(`date;account;amount;reference;${header}\n2026-11-29;1;1,00;A;KB7M2Q9D4XKT`).rows[0]!.purpose, header).toBe('KB7M2Q9D4XKT');
    }
    expect(readRegistry('date;account;amount;reference;payer\n2026-11-29;1;1,00;A;KB7M2Q9D4XKT').rows[0]!.purpose).toBeNull();
  });

  it('reports each row that is not a payment, by its line, and keeps the rest', () => {
    const text = ['date;account;amount;reference', '2026-02-30;1;10,00;A', '2026-11-28;2;0;B', '2026-11-28;3;12,345;C', '2026-11-28;;10;D', '2026-11-28;5;10;', '2026-11-28;6;10;F'].join('\n');
    const { rows, problems } = readRegistry(text);
    expect(rows.map((row) => row.reference)).toEqual(['F']);
    expect(problems.map((problem) => problem.line)).toEqual([2, 3, 4, 5, 6]);
    expect(problems[0]!.reason).toContain('not a date');
    expect(problems[2]!.reason).toContain('not a positive amount');
  });

  it('reads quotes inside a field as banks write names, and refuses a quote never closed, near its line', () => {
    const { rows } = readRegistry('date;account;amount;reference;payer\n2026-11-28;OD4412907;5,00;R-1;ТОВ "Ромашка"\n2026-11-28;OD4412907;6,00;R-2;=HYPERLINK("x")\n');
    expect(rows.map((row) => row.payer)).toEqual(['ТОВ "Ромашка"', '=HYPERLINK("x")']);
    expect(() => readRegistry('date;account;amount;reference\n2026-11-28;1;5,00;"R-1\n2026-11-28;2;6,00;R-2\n')).toThrow(/cannot be read as CSV near line 3: .*Quote Not Closed/);
  });

  it('refuses a row over 1 000 000,00 (a typo in the bank’s file) and a short row, by line', () => {
    const text = ['date;account;amount;reference', '2026-11-28;1;1 000 000,00;A', '2026-11-28;2;1 000 000,01;B', '2026-11-28;3;99999999999.00;C', '2026-11-28;4'].join('\n');
    const { rows, problems } = readRegistry(text);
    expect(rows.map((row) => row.reference)).toEqual(['A']);
    expect(problems).toEqual([
      { line: 3, reason: 'over the 1 000 000,00 one payment may carry: "1 000 000,01"' },
      { line: 4, reason: 'over the 1 000 000,00 one payment may carry: "99999999999.00"' },
      { line: 5, reason: 'a short row: 2 fields where the header names 4' },
    ]);
  });

  it('refuses a file that is not a registry', () => {
    expect(() => readRegistry('')).toThrow(RegistryFileError);
    expect(() => readRegistry('name;phone\nA;1')).toThrow(/no date, account, amount, reference column/);
  });
});
