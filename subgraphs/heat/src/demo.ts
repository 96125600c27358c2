import type { Transaction } from '@kabinet/db';
import { demoUsers } from '@kabinet/demo';
import { heatWindowRule, type DemoSupplier, type SupplierRow } from '@kabinet/utility-core';
import { tariffs } from './db/schema';

interface HeatTariff {
  validFrom: string;
  heatPerGcal: string;
  hotWaterPerM3: string;
}

/** Two heat & hot-water suppliers with their own account-number formats and metered tariffs. */
export const demoSuppliers: (DemoSupplier & { tariffs: HeatTariff[] })[] = [
  {
    code: 'kyiv-teplo',
    name: 'Київтеплоенерго',
    currency: 'UAH',
    timeZone: 'Europe/Kyiv',
    accountNumberPattern: '^\\d{4}-\\d{4}$',
    accountNumberFormat: { en: '4 digits, a dash and 4 digits, e.g. 4401-1187', uk: '4 цифри, дефіс і 4 цифри, напр. 4401-1187', ru: '4 цифры, дефис и 4 цифры, напр. 4401-1187' },
    linkProofs: ['LAST_PAYMENT_AMOUNT', 'RECEIPT_CODE', 'HOLDER_SURNAME'],
    readingWindow: heatWindowRule,
    tariffs: [{ validFrom: '2024-01-01', heatPerGcal: '1654.18', hotWaterPerM3: '99.11' }],
    accounts: [
      {
        accountNumber: '4401-1187',
        address: 'м. Київ, вул. Хрещатик, 15, кв. 42',
        holderName: 'Демченко Олена Іванівна',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        meters: [
          {
            serialNumber: 'SENSUS-PE-118820',
            zones: ['HEAT'],
            installedOn: '2017-10-01',
            lastVerifiedOn: '2021-10-01',
            verificationIntervalYears: 4,
            startValues: [41.25],
            monthlyUse: [1.62],
          },
          {
            serialNumber: 'ZENNER-HW-4471',
            zones: ['HOT_WATER'],
            installedOn: '2020-01-15',
            lastVerifiedOn: '2020-01-15',
            verificationIntervalYears: 6,
            startValues: [312.4],
            monthlyUse: [3.8],
          },
        ],
      },
      {
        accountNumber: '4402-0300',
        address: 'м. Київ, вул. Саксаганського, 70, кв. 11',
        holderName: 'Бондар Андрій Васильович',
        holderSurname: 'Бондар',
        meters: [
          {
            serialNumber: 'ZENNER-HW-9902',
            zones: ['HOT_WATER'],
            installedOn: '2023-03-01',
            lastVerifiedOn: '2023-03-01',
            verificationIntervalYears: 6,
            startValues: [44.1],
            monthlyUse: [2.9],
          },
        ],
      },
    ],
  },
  {
    code: 'kharkiv-teplo',
    name: 'Харківські теплові мережі',
    currency: 'UAH',
    timeZone: 'Europe/Kyiv',
    accountNumberPattern: '^ХТМ-\\d{6}$',
    accountNumberFormat: { en: 'ХТМ, a dash and 6 digits, e.g. ХТМ-000731', uk: 'ХТМ, дефіс і 6 цифр, напр. ХТМ-000731', ru: 'ХТМ, дефис и 6 цифр, напр. ХТМ-000731' },
    linkProofs: ['RECEIPT_CODE', 'OFFICE_CODE', 'HOLDER_SURNAME'],
    readingWindow: heatWindowRule,
    tariffs: [{ validFrom: '2024-01-01', heatPerGcal: '1540.00', hotWaterPerM3: '87.40' }],
    accounts: [
      {
        accountNumber: 'ХТМ-000731',
        address: 'м. Харків, вул. Сумська, 25, кв. 19',
        holderName: 'Демченко Олена Іванівна',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        meters: [
          {
            serialNumber: 'APATOR-HW-220317',
            zones: ['HOT_WATER'],
            installedOn: '2022-03-17',
            lastVerifiedOn: '2022-03-17',
            verificationIntervalYears: 6,
            startValues: [120.75],
            monthlyUse: [4.2],
          },
        ],
      },
      {
        accountNumber: 'ХТМ-004518',
        address: 'м. Харків, просп. Науки, 40, кв. 77',
        holderName: 'Сусіденко Петро Олегович',
        holderSurname: demoUsers.second.surname,
        holderUserId: demoUsers.second.id,
        meters: [
          {
            serialNumber: 'APATOR-HW-331902',
            zones: ['HOT_WATER'],
            installedOn: '2021-11-02',
            lastVerifiedOn: '2021-11-02',
            verificationIntervalYears: 6,
            startValues: [210.3],
            monthlyUse: [3.1],
          },
        ],
      },
    ],
  },
];

/** A demo supplier's metered tariffs, inserted once. */
export async function seedDemoTariffs(tx: Transaction, supplier: SupplierRow, demo: DemoSupplier): Promise<void> {
  const own = demoSuppliers.find((candidate) => candidate.code === demo.code)!;
  for (const tariff of own.tariffs) {
    for (const accountKind of ['RESIDENTIAL', 'BUSINESS']) {
      await tx.insert(tariffs).values({ supplierId: supplier.id, accountKind, ...tariff }).onConflictDoNothing();
    }
  }
}
