import type { Transaction } from '@kabinet/db';
import { demoUsers, stableId } from '@kabinet/demo';
import {
  addMonths,
  daysInPeriod,
  fifthToMonthEndWindowRule,
  heatWindowRule,
  type DemoAccount,
  type DemoSupplier,
  type Period,
  type SupplierRow,
} from '@kabinet/utility-core';
import { Big } from '@kabinet/money';
import { buildingReadings, buildings, heatingSeasons, premises, tariffs, type HeatingMethod, type HotWaterMethod } from './db/schema';
import type { HeatTariff } from './pricing/charges';
import { daysIn, seasonSpans } from './pricing/season';

/** What heat adds to a demo account: the premises it serves. */
interface DemoPremises {
  heatedAreaM2: string;
  occupants: number;
  heating: HeatingMethod;
  hotWater: HotWaterMethod;
  /** A key of the supplier's `building`. */
  inBuilding?: boolean;
}

interface DemoHeatSupplier extends DemoSupplier {
  tariffs: HeatTariff[];
  accounts: (DemoAccount & { premises: DemoPremises })[];
  /** A building whose meter is apportioned among its flats; its Gcal a month while heating. */
  building?: { address: string; meterSerialNumber: string; meterStartValue: string; commonAreaShareBasisPoints: number; gcalPerHeatingMonth: string };
}

/**
 * The seeded months show a heating season's end (April) and a start (October), whatever the month
 * Kabinet starts in: at least 9 back from the newest closed month, and as many more (up to 13) as
 * it takes to reach both.
 */
export function seededHeatMonths(newest: Period): number {
  const covers = (months: number, month: string) => Array.from({ length: months }, (_, index) => addMonths(newest, -index).slice(5)).includes(month);
  let months = 9;
  while (!covers(months, '04') || !covers(months, '10')) months += 1;
  return months;
}

/** Heating seasons as Ukrainian cities open and close them: from 16 October to 10 April. */
export function demoSeasons(now: Date): { startsOn: string; endsOn: string | null }[] {
  const today = now.toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));
  const currentStart = today >= `${year}-10-16` ? year : year - 1;
  const seasons = [
    { startsOn: `${currentStart - 1}-10-16`, endsOn: `${currentStart}-04-10` },
    { startsOn: `${currentStart}-10-16`, endsOn: today >= `${currentStart + 1}-04-10` ? `${currentStart + 1}-04-10` : null },
  ];
  return seasons;
}

/**
 * Heat & hot-water suppliers modelled on the cabinets Kabinet replaces: Kyiv's (15-digit numbers,
 * the last payment as proof, readings in the last week through the 1st), Poltava's (readings from
 * the 5th to the end of the month, a subscription fee), a Kharkiv one heating a building by its
 * meter apportioned among the flats, and Kamchatka's, which sells electricity too (in roubles, in
 * its own time zone, linked by a receipt number).
 */
export const demoSuppliers: DemoHeatSupplier[] = [
  {
    code: 'kyiv-teplo',
    name: 'Київтеплоенерго',
    currency: 'UAH',
    timeZone: 'Europe/Kyiv',
    accountNumberPattern: '^\\d{15}$',
    accountNumberFormat: { en: '15 digits, e.g. 260114400118700', uk: '15 цифр, напр. 260114400118700', ru: '15 цифр, напр. 260114400118700' },
    linkProofs: ['LAST_PAYMENT_AMOUNT'],
    readingWindow: heatWindowRule,
    tariffs: [
      { validFrom: '2024-01-01', heatPerGcal: '1654.18', hotWaterPerM3: '99.11', heatingNormGcalPerM2: '0.0185', hotWaterNormM3PerPerson: '3.2', subscriptionFee: '0' },
    ],
    accounts: [
      {
        accountNumber: '260114400118700',
        address: 'м. Київ, вул. Хрещатик, 15, кв. 42',
        holderName: 'Демченко Олена Іванівна',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        premises: { heatedAreaM2: '62.50', occupants: 2, heating: 'METER', hotWater: 'METER' },
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
        accountNumber: '260114400203000',
        address: 'м. Київ, вул. Саксаганського, 70, кв. 11',
        holderName: 'Бондар Андрій Васильович',
        holderSurname: 'Бондар',
        premises: { heatedAreaM2: '48.30', occupants: 1, heating: 'NORM', hotWater: 'METER' },
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
    code: 'poltava-teplo',
    name: 'Полтаватеплоенерго',
    currency: 'UAH',
    timeZone: 'Europe/Kyiv',
    accountNumberPattern: '^\\d{10}$',
    accountNumberFormat: { en: '10 digits, e.g. 5300712405', uk: '10 цифр, напр. 5300712405', ru: '10 цифр, напр. 5300712405' },
    linkProofs: ['LAST_PAYMENT_AMOUNT'],
    readingWindow: fifthToMonthEndWindowRule,
    tariffs: [
      { validFrom: '2024-01-01', heatPerGcal: '1760.42', hotWaterPerM3: '95.20', heatingNormGcalPerM2: '0.0172', hotWaterNormM3PerPerson: '3.0', subscriptionFee: '12.50' },
    ],
    accounts: [
      {
        accountNumber: '5300712405',
        address: 'м. Полтава, вул. Соборності, 33, кв. 8',
        holderName: 'Демченко Олена Іванівна',
        holderSurname: demoUsers.demo.surname,
        holderUserId: demoUsers.demo.id,
        premises: { heatedAreaM2: '54.00', occupants: 3, heating: 'NORM', hotWater: 'METER' },
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
    tariffs: [
      { validFrom: '2024-01-01', heatPerGcal: '1540.00', hotWaterPerM3: '87.40', heatingNormGcalPerM2: '0.0190', hotWaterNormM3PerPerson: '3.1', subscriptionFee: '0' },
    ],
    building: { address: 'м. Харків, просп. Науки, 40', meterSerialNumber: 'LOGIC-BLD-40117', meterStartValue: '5210.000', commonAreaShareBasisPoints: 1200, gcalPerHeatingMonth: '3.6' },
    accounts: [
      {
        accountNumber: 'ХТМ-004518',
        address: 'м. Харків, просп. Науки, 40, кв. 77',
        holderName: 'Сусіденко Петро Олегович',
        holderSurname: demoUsers.second.surname,
        holderUserId: demoUsers.second.id,
        premises: { heatedAreaM2: '55.20', occupants: 2, heating: 'BUILDING', hotWater: 'NORM', inBuilding: true },
        meters: [],
      },
      {
        accountNumber: 'ХТМ-004519',
        address: 'м. Харків, просп. Науки, 40, кв. 78',
        holderName: 'Ткаченко Ірина Павлівна',
        holderSurname: 'Ткаченко',
        premises: { heatedAreaM2: '61.00', occupants: 3, heating: 'METER', hotWater: 'NORM', inBuilding: true },
        meters: [
          {
            serialNumber: 'KAMSTRUP-HM-55190',
            zones: ['HEAT'],
            installedOn: '2021-09-20',
            lastVerifiedOn: '2021-09-20',
            verificationIntervalYears: 4,
            startValues: [80.4],
            monthlyUse: [1.05],
          },
        ],
      },
      {
        accountNumber: 'ХТМ-004520',
        address: 'м. Харків, просп. Науки, 40, кв. 79',
        holderName: 'Гриценко Максим Олегович',
        holderSurname: 'Гриценко',
        premises: { heatedAreaM2: '38.70', occupants: 1, heating: 'BUILDING', hotWater: 'NORM', inBuilding: true },
        meters: [],
      },
      {
        accountNumber: 'ХТМ-000731',
        address: 'м. Харків, вул. Сумська, 25, кв. 19',
        holderName: 'Коваль Людмила Степанівна',
        holderSurname: 'Коваль',
        premises: { heatedAreaM2: '44.00', occupants: 1, heating: 'NORM', hotWater: 'NORM' },
        meters: [],
      },
    ],
  },
  {
    code: 'kamchatka-energo',
    name: 'Камчатскэнерго',
    currency: 'RUB',
    timeZone: 'Asia/Kamchatka',
    accountNumberPattern: '^\\d{10}$',
    accountNumberFormat: { en: '10 digits, e.g. 4100986512', uk: '10 цифр, напр. 4100986512', ru: '10 цифр, напр. 4100986512' },
    linkProofs: ['RECEIPT_CODE'],
    readingWindow: heatWindowRule,
    tariffs: [
      { validFrom: '2024-01-01', heatPerGcal: '4102.15', hotWaterPerM3: '288.40', heatingNormGcalPerM2: '0.0240', hotWaterNormM3PerPerson: '3.5', subscriptionFee: '0' },
    ],
    accounts: [
      {
        accountNumber: '4100986512',
        address: 'г. Петропавловск-Камчатский, ул. Ленинская, 12, кв. 5',
        holderName: 'Сусіденко Петро Олегович',
        holderSurname: demoUsers.second.surname,
        holderUserId: demoUsers.second.id,
        premises: { heatedAreaM2: '47.60', occupants: 2, heating: 'NORM', hotWater: 'METER' },
        meters: [
          {
            serialNumber: 'PULSAR-HW-771204',
            zones: ['HOT_WATER'],
            installedOn: '2022-06-01',
            lastVerifiedOn: '2022-06-01',
            verificationIntervalYears: 6,
            startValues: [58.2],
            monthlyUse: [3.4],
          },
        ],
      },
    ],
  },
];

/** A demo supplier's tariffs, inserted once. */
export async function seedDemoTariffs(tx: Transaction, supplier: SupplierRow, demo: DemoSupplier): Promise<void> {
  const own = demoSuppliers.find((candidate) => candidate.code === demo.code)!;
  const rows = own.tariffs.flatMap((tariff) => ['RESIDENTIAL', 'BUSINESS'].map((accountKind) => ({ supplierId: supplier.id, accountKind, ...tariff })));
  if (rows.length) await tx.insert(tariffs).values(rows).onConflictDoNothing();
}

/**
 * What heat adds once a demo supplier's accounts exist: their premises, its heating seasons,
 * and its building with a meter reading for every seeded month (Gcal by the days of heating).
 */
export function seedDemoPremises(now: Date) {
  return async (tx: Transaction, supplier: SupplierRow, demo: DemoSupplier, periods: Period[]): Promise<void> => {
    const own = demoSuppliers.find((candidate) => candidate.code === demo.code)!;
    const seasons = demoSeasons(now);
    if (seasons.length) {
      await tx
        .insert(heatingSeasons)
        .values(seasons.map((season) => ({ id: stableId(`heat:${demo.code}:season:${season.startsOn}`), supplierId: supplier.id, ...season })))
        .onConflictDoNothing();
    }

    const buildingId = own.building ? stableId(`heat:${demo.code}:building:${own.building.meterSerialNumber}`) : null;
    if (own.building && buildingId) {
      const { gcalPerHeatingMonth, ...building } = own.building;
      await tx.insert(buildings).values({ id: buildingId, supplierId: supplier.id, ...building }).onConflictDoNothing();
      // The meter's value closing each month: the month's heating days' share of a heating month, and a little in summer.
      let value = new Big(building.meterStartValue);
      const readings = [addMonths(periods[0]!, -1), ...periods].map((period) => {
        const heatingDays = seasonSpans(period, seasons).reduce((sum, span) => sum + daysIn(span), 0);
        value = value.plus(new Big(gcalPerHeatingMonth).times(heatingDays).div(daysInPeriod(period)).plus('0.3').round(3));
        return { buildingId, period: `${period}-01`, value: value.toFixed(3), recordedAt: now };
      });
      await tx.insert(buildingReadings).values(readings).onConflictDoNothing();
    }

    if (own.accounts.length) {
      await tx
        .insert(premises)
        .values(
          own.accounts.map(({ accountNumber, premises: { inBuilding, ...fields } }) => ({
            accountId: stableId(`heat:${demo.code}:${accountNumber}`),
            ...fields,
            buildingId: inBuilding ? buildingId : null,
          })),
        )
        .onConflictDoNothing();
    }
  };
}
