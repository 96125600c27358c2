import type { Transaction } from '@kabinet/db';
import { demoUsers } from '@kabinet/demo';
import { electricityWindowRule, type DemoSupplier, type SupplierRow } from '@kabinet/utility-core';
import { tariffs } from './db/schema';
import type { Tariff } from './tariffs/pricing';

/**
 * Suppliers with their own rules (DESIGN.md §4): account-number formats, accepted proofs,
 * reading windows, tariffs (flat, tiered with a mid-month change), VAT for business accounts,
 * and one in roubles in its own time zone that sells heat too. The demo login holds one account
 * of each of the first two; the second login Odesa's and Kamchatka's; the others wait to be linked.
 */
export const demoSuppliers: (DemoSupplier & { tariffs: Record<'RESIDENTIAL' | 'BUSINESS', Tariff[]> })[] = [
  {
    code: 'kyiv-energo',
    name: 'Київські енергетичні послуги',
    currency: 'UAH',
    timeZone: 'Europe/Kyiv',
    accountNumberPattern: '^\\d{8}$',
    accountNumberFormat: { en: '8 digits, e.g. 10234567', uk: '8 цифр, напр. 10234567', ru: '8 цифр, напр. 10234567' },
    linkProofs: ['LAST_PAYMENT_AMOUNT', 'RECEIPT_CODE', 'HOLDER_SURNAME'],
    readingWindow: electricityWindowRule,
    tariffs: {
      RESIDENTIAL: [{ validFrom: '2024-06-01', tiers: [{ upTo: null, price: '4.32' }] }],
      BUSINESS: [{ validFrom: '2024-06-01', tiers: [{ upTo: null, price: '7.20' }] }],
    },
    accounts: [
      {
        accountNumber: '10234567',
        address: 'м. Київ, вул. Хрещатик, 15, кв. 42',
        holderName: 'Демченко Олена Іванівна',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        // One month without a reading: billed on an estimate, corrected by the next real reading.
        missedMonths: [2],
        meters: [
          {
            serialNumber: 'NIK-2303-0041187',
            zones: ['DAY', 'NIGHT'],
            installedOn: '2019-04-10',
            lastVerifiedOn: '2019-04-10',
            verificationIntervalYears: 16,
            startValues: [18_432, 7_210],
            monthlyUse: [214, 96],
          },
        ],
      },
      {
        accountNumber: '10987654',
        address: 'м. Київ, просп. Перемоги, 7, кв. 3',
        holderName: 'Ковальчук Ірина Петрівна',
        holderSurname: 'Ковальчук',
        meters: [
          {
            serialNumber: 'GAMA-100-552310',
            zones: ['SINGLE'],
            installedOn: '2021-02-01',
            lastVerifiedOn: '2021-02-01',
            verificationIntervalYears: 16,
            startValues: [5_120],
            monthlyUse: [180],
          },
        ],
      },
    ],
  },
  {
    code: 'lviv-energo',
    name: 'Львівенергозбут',
    currency: 'UAH',
    timeZone: 'Europe/Kyiv',
    accountNumberPattern: '^\\d{2}-\\d{6}$',
    accountNumberFormat: { en: '2 digits, a dash and 6 digits, e.g. 46-208311', uk: '2 цифри, дефіс і 6 цифр, напр. 46-208311', ru: '2 цифры, дефис и 6 цифр, напр. 46-208311' },
    linkProofs: ['HOLDER_SURNAME', 'OFFICE_CODE', 'LAST_PAYMENT_AMOUNT'],
    readingWindow: { opensDay: 0, closesDay: 6 },
    tariffs: {
      // Cheaper first 250 kWh until mid-October 2026, one price after that.
      RESIDENTIAL: [
        { validFrom: '2024-01-01', tiers: [{ upTo: '250', price: '2.64' }, { upTo: null, price: '4.32' }] },
        { validFrom: '2026-10-16', tiers: [{ upTo: null, price: '4.32' }] },
      ],
      BUSINESS: [{ validFrom: '2024-01-01', tiers: [{ upTo: null, price: '6.95' }] }],
    },
    accounts: [
      {
        accountNumber: '46-208311',
        address: 'м. Львів, вул. Личаківська, 31, кв. 8',
        holderName: 'Демченко Олена Іванівна',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        meters: [
          {
            serialNumber: 'EM-3F-7781204',
            zones: ['NIGHT', 'HALF_PEAK', 'PEAK'],
            installedOn: '2016-09-20',
            lastVerifiedOn: '2016-09-20',
            verificationIntervalYears: 8,
            startValues: [4_488, 9_950, 3_012],
            monthlyUse: [71, 120, 64],
          },
        ],
      },
      {
        accountNumber: '46-100200',
        address: 'м. Львів, вул. Городоцька, 120, кв. 15',
        holderName: 'Гнатюк Богдан Романович',
        holderSurname: 'Гнатюк',
        meters: [
          {
            serialNumber: 'NIK-2102-0077341',
            zones: ['SINGLE'],
            installedOn: '2020-05-12',
            lastVerifiedOn: '2020-05-12',
            verificationIntervalYears: 16,
            startValues: [12_004],
            monthlyUse: [265],
          },
        ],
      },
    ],
  },
  {
    code: 'odesa-energo',
    name: 'Одеська енергозбутова компанія',
    currency: 'UAH',
    timeZone: 'Europe/Kyiv',
    accountNumberPattern: '^[A-Z]{2}\\d{7}$',
    accountNumberFormat: {
      en: 'two Latin capital letters and 7 digits, e.g. OD4412907',
      uk: 'дві великі латинські літери й 7 цифр, напр. OD4412907',
      ru: 'две заглавные латинские буквы и 7 цифр, напр. OD4412907',
    },
    linkProofs: ['RECEIPT_CODE', 'OFFICE_CODE'],
    readingWindow: { opensDay: 0, closesDay: 2 },
    vatRateBasisPoints: 2000,
    tariffs: {
      RESIDENTIAL: [{ validFrom: '2024-06-01', tiers: [{ upTo: null, price: '4.32' }] }],
      BUSINESS: [{ validFrom: '2024-06-01', tiers: [{ upTo: null, price: '6.90' }] }],
    },
    accounts: [
      {
        accountNumber: 'OD4412907',
        address: 'м. Одеса, вул. Дерибасівська, 12, кв. 5',
        holderName: 'Сусіденко Петро Олегович',
        holderSurname: demoUsers.second.surname,
        holderUserId: demoUsers.second.id,
        meters: [
          {
            serialNumber: 'ENERGOMERA-CE101-0093',
            zones: ['SINGLE'],
            installedOn: '2022-06-15',
            lastVerifiedOn: '2022-06-15',
            verificationIntervalYears: 16,
            startValues: [2_340],
            monthlyUse: [150],
          },
        ],
      },
      {
        accountNumber: 'OD7700112',
        address: 'м. Одеса, вул. Приморська, 40, нежитлове приміщення 2',
        holderName: 'ТОВ «Приморський сад»',
        holderSurname: 'Приморський сад',
        kind: 'BUSINESS',
        contractNumber: 'Д-2024/0112',
        meters: [
          {
            serialNumber: 'NIK-2303-0120045',
            zones: ['DAY', 'NIGHT'],
            installedOn: '2024-02-01',
            lastVerifiedOn: '2024-02-01',
            verificationIntervalYears: 16,
            startValues: [30_110, 8_420],
            monthlyUse: [1_180, 240],
          },
        ],
      },
    ],
  },
  {
    // Sells heat too (subgraphs/heat/src/demo.ts): one supplier, a login's accounts in both utilities.
    code: 'kamchatka-energo',
    name: 'Камчатскэнерго',
    currency: 'RUB',
    timeZone: 'Asia/Kamchatka',
    accountNumberPattern: '^\\d{10}$',
    accountNumberFormat: { en: '10 digits, e.g. 4100112233', uk: '10 цифр, напр. 4100112233', ru: '10 цифр, напр. 4100112233' },
    linkProofs: ['RECEIPT_CODE'],
    readingWindow: electricityWindowRule,
    tariffs: {
      RESIDENTIAL: [{ validFrom: '2024-07-01', tiers: [{ upTo: null, price: '5.87' }] }],
      BUSINESS: [{ validFrom: '2024-07-01', tiers: [{ upTo: null, price: '9.12' }] }],
    },
    accounts: [
      {
        accountNumber: '4100112233',
        address: 'г. Петропавловск-Камчатский, ул. Ленинская, 12, кв. 5',
        holderName: 'Сусіденко Петро Олегович',
        holderSurname: demoUsers.second.surname,
        holderUserId: demoUsers.second.id,
        meters: [
          {
            serialNumber: 'MERCURY-201-8841207',
            zones: ['SINGLE'],
            installedOn: '2021-04-12',
            lastVerifiedOn: '2021-04-12',
            verificationIntervalYears: 16,
            startValues: [18_420],
            monthlyUse: [210],
          },
        ],
      },
    ],
  },
];

/** A demo supplier's tariffs: history rows, inserted once. */
export async function seedDemoTariffs(tx: Transaction, supplier: SupplierRow, demo: DemoSupplier): Promise<void> {
  const own = demoSuppliers.find((candidate) => candidate.code === demo.code)!;
  const rows = Object.entries(own.tariffs).flatMap(([accountKind, list]) =>
    list.map((tariff) => ({ supplierId: supplier.id, accountKind, validFrom: tariff.validFrom, tiers: tariff.tiers, zoneCoefficients: tariff.zoneCoefficients ?? null })),
  );
  if (rows.length) await tx.insert(tariffs).values(rows).onConflictDoNothing();
}
