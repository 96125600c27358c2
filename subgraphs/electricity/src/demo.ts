import { demoUsers } from '@kabinet/demo';
import type { DemoSupplier } from '@kabinet/utility-core';

/** Three suppliers with their own account-number formats; see DESIGN.md §4. */
export const demoSuppliers: DemoSupplier[] = [
  {
    code: 'kyiv-energo',
    name: 'Київські енергетичні послуги',
    currency: 'UAH',
    timeZone: 'Europe/Kyiv',
    accountNumberPattern: '^\\d{8}$',
    accounts: [
      {
        accountNumber: '10234567',
        address: 'м. Київ, вул. Хрещатик, 15, кв. 42',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        monthlyChargeMinor: 86_340,
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
        holderSurname: 'Ковальчук',
        monthlyChargeMinor: 51_000,
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
    accounts: [
      {
        accountNumber: '46-208311',
        address: 'м. Львів, вул. Личаківська, 31, кв. 8',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        monthlyChargeMinor: 48_760,
        meters: [
          {
            serialNumber: 'EM-3F-7781204',
            zones: ['HALF_PEAK', 'PEAK', 'NIGHT'],
            installedOn: '2016-09-20',
            lastVerifiedOn: '2016-09-20',
            verificationIntervalYears: 8,
            startValues: [9_950, 3_012, 4_488],
            monthlyUse: [120, 64, 71],
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
    accounts: [
      {
        accountNumber: 'OD4412907',
        address: 'м. Одеса, вул. Дерибасівська, 12, кв. 5',
        holderSurname: demoUsers.second.surname,
        holderUserId: demoUsers.second.id,
        monthlyChargeMinor: 39_900,
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
    ],
  },
];
