import type { BillDocument, BillDocumentLine } from './document';

/** Bills for the PDF tests: Cyrillic and modifier-letter apostrophes (Обʼєднання) throughout. */
export const businessBill: BillDocument = {
  title: 'Рахунок за електроенергію',
  supplier: { name: 'ТОВ «Київське енергетичне Обʼєднання»' },
  account: {
    number: '2600-114-0387',
    holderName: 'ФОП Коваленко Олександра Петрівна',
    address: 'м. Київ, вул. Тараса Шевченка, 12, оф. 3',
    kind: 'BUSINESS',
    contractNumber: 'Д-2026/0457',
  },
  period: '2026-11',
  issuedOn: '2026-12-01',
  dueDate: '2026-12-20',
  receiptCode: 'E7C41B09D2A5',
  currency: 'UAH',
  meterReadings: [
    {
      serialNumber: 'NIK-2303-118842',
      zone: 'День',
      previous: '12840',
      current: '13215',
      consumption: '375',
      unit: 'кВт·год',
      estimated: false,
    },
    {
      serialNumber: 'NIK-2303-118842',
      zone: 'Ніч',
      previous: '5310',
      current: '5480',
      consumption: '170',
      unit: 'кВт·год',
      estimated: true,
    },
  ],
  lines: [
    {
      description: 'Електроенергія, зона «День»',
      quantity: '375',
      unit: 'кВт·год',
      unitPrice: '7.20',
      amount: '2700.00',
    },
    {
      description: 'Електроенергія, зона «Ніч»',
      quantity: '170',
      unit: 'кВт·год',
      unitPrice: '3.60',
      amount: '612.00',
    },
    {
      description: 'Перерахунок за жовтень 2026: оціночний показник замінено фактичним показанням лічильника',
      quantity: '-41',
      unit: 'кВт·год',
      unitPrice: '3.60',
      amount: '-147.60',
    },
  ],
  totals: {
    opening: '1250.00',
    charges: '3312.00',
    vat: { ratePercent: '20', amount: '662.40' },
    corrections: '-147.60',
    payments: '1250.00',
    adjustments: '0.00',
    amountDue: '3826.80',
  },
};

export const residentialHeatBill: BillDocument = {
  title: 'Рахунок за теплову енергію та гарячу воду',
  supplier: { name: 'КП «Теплоенерго» Обʼєднаної громади' },
  account: {
    number: '0451-2207',
    holderName: 'Ігор Вʼячеславович Дорошенко',
    address: 'м. Львів, вул. Городоцька, 45, кв. 17',
    kind: 'RESIDENTIAL',
    contractNumber: null,
  },
  period: '2026-01',
  issuedOn: '2026-02-02',
  dueDate: '2026-02-20',
  receiptCode: '9A03F5C1E88B',
  currency: 'UAH',
  meterReadings: [
    {
      serialNumber: 'SKS-3-00712',
      zone: 'Загальна',
      previous: '14.322',
      current: '15.870',
      consumption: '1.548',
      unit: 'Гкал',
      estimated: false,
    },
    {
      serialNumber: 'GV-88104',
      zone: 'Загальна',
      previous: '231.4',
      current: '236.9',
      consumption: '5.5',
      unit: 'м³',
      estimated: false,
    },
  ],
  lines: [
    { description: 'Теплова енергія', quantity: '1.548', unit: 'Гкал', unitPrice: '1654.41', amount: '2561.03' },
    { description: 'Гаряча вода', quantity: '5.5', unit: 'м³', unitPrice: '98.26', amount: '540.43' },
    { description: 'Абонентське обслуговування', quantity: null, unit: null, unitPrice: null, amount: '25.00' },
  ],
  totals: {
    opening: '-300.00',
    charges: '3126.46',
    vat: null,
    corrections: '0.00',
    payments: '3000.00',
    adjustments: '0.00',
    amountDue: '-173.54',
  },
};

/** A business bill with sixty charge lines: must continue on further pages. */
export const longBill: BillDocument = {
  ...businessBill,
  receiptCode: 'B5D2907A6F13',
  lines: Array.from(
    { length: 60 },
    (_, i): BillDocumentLine => ({
      // Every third description wraps, so rows differ in height.
      description: `Електроенергія, обʼєкт №${i + 1}: ${i % 3 === 0 ? 'склад і прибудинкова територія' : 'офіс'}`,
      quantity: String(100 + i),
      unit: 'кВт·год',
      unitPrice: '7.20',
      amount: ((100 + i) * 7.2).toFixed(2),
    }),
  ),
  totals: {
    opening: '1250.00',
    charges: '55944.00',
    vat: { ratePercent: '20', amount: '11188.80' },
    corrections: '0.00',
    payments: '1250.00',
    adjustments: '0.00',
    amountDue: '67132.80',
  },
};
