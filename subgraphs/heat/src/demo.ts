import { demoUsers } from '@kabinet/demo';
import type { DemoSupplier } from '@kabinet/utility-core';

/** Two heat & hot-water suppliers with their own account-number formats. */
export const demoSuppliers: DemoSupplier[] = [
  {
    code: 'kyiv-teplo',
    name: 'Київтеплоенерго',
    currency: 'UAH',
    timeZone: 'Europe/Kyiv',
    accountNumberPattern: '^\\d{4}-\\d{4}$',
    accounts: [
      {
        accountNumber: '4401-1187',
        address: 'м. Київ, вул. Хрещатик, 15, кв. 42',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        monthlyChargeMinor: 164_220,
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
        holderSurname: 'Бондар',
        monthlyChargeMinor: 99_000,
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
    accounts: [
      {
        accountNumber: 'ХТМ-000731',
        address: 'м. Харків, вул. Сумська, 25, кв. 19',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        monthlyChargeMinor: 118_450,
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
        holderSurname: demoUsers.second.surname,
        holderUserId: demoUsers.second.id,
        monthlyChargeMinor: 132_000,
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
