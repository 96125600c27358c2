import { createHash } from 'node:crypto';

/**
 * Demo data identifiers shared by every subgraph's seed: the subgraphs never read each
 * other's tables, so the demo users' ids are fixed here and each seed uses them.
 */
export const demoUsers = {
  demo: {
    id: '0d3e6f1a-5b2c-4c7e-9a10-000000000001',
    email: 'demo@kabinet.dev',
    password: 'kabinet-demo-2026',
    displayName: 'Олена Демченко',
    surname: 'Демченко',
  },
  second: {
    id: '0d3e6f1a-5b2c-4c7e-9a10-000000000002',
    email: 'neighbour@kabinet.dev',
    password: 'kabinet-neighbour-2026',
    displayName: 'Петро Сусіденко',
    surname: 'Сусіденко',
  },
} as const;

/** A UUID derived from a name, so that seeding the same thing twice hits the same row. */
export function stableId(name: string): string {
  const hex = createHash('sha1').update(`kabinet-demo:${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The id of a demo supplier in its utility subgraph; identity stores it for the supplier's operators. */
export function demoSupplierId(utility: 'electricity' | 'heat', supplierCode: string): string {
  return stableId(`${utility}:supplier:${supplierCode}`);
}

/** Staff logins of demo suppliers (role OPERATOR): they see and serve their supplier's accounts only. */
export const demoOperators = {
  kyivEnergo: {
    id: stableId('operator:kyiv-energo'),
    email: 'operator@kyiv-energo.kabinet.dev',
    password: 'kabinet-operator-2026',
    displayName: 'Оператор КЕП',
    supplierIds: [demoSupplierId('electricity', 'kyiv-energo')],
  },
  odesaEnergo: {
    id: stableId('operator:odesa-energo'),
    email: 'operator@odesa-energo.kabinet.dev',
    password: 'kabinet-operator-2026',
    displayName: 'Оператор ОЕК',
    supplierIds: [demoSupplierId('electricity', 'odesa-energo')],
  },
  kharkivTeplo: {
    id: stableId('operator:kharkiv-teplo'),
    email: 'operator@kharkiv-teplo.kabinet.dev',
    password: 'kabinet-operator-2026',
    displayName: 'Оператор ХТМ',
    supplierIds: [demoSupplierId('heat', 'kharkiv-teplo')],
  },
  /** Kamchatskenergo supplies electricity and heat: its staff serve both, a supplier row in each utility. */
  kamchatkaEnergo: {
    id: stableId('operator:kamchatka-energo'),
    email: 'operator@kamchatka-energo.kabinet.dev',
    password: 'kabinet-operator-2026',
    displayName: 'Оператор КЭ',
    supplierIds: [demoSupplierId('electricity', 'kamchatka-energo'), demoSupplierId('heat', 'kamchatka-energo')],
  },
} as const;

export const demoLogins = [
  { ...demoUsers.demo, description: 'two electricity and two heat accounts, bills, payments' },
  { ...demoUsers.second, description: 'Odesa and Kamchatka electricity, Kharkiv heat by the building meter, Kamchatka heat' },
  { ...demoOperators.kyivEnergo, description: 'operator of Київські енергетичні послуги' },
  { ...demoOperators.odesaEnergo, description: 'operator of Одеська енергозбутова компанія' },
  { ...demoOperators.kharkivTeplo, description: 'operator of Харківські теплові мережі (heating season, building meter)' },
  { ...demoOperators.kamchatkaEnergo, description: 'operator of Камчатскэнерго, in both utilities (electricity and heat)' },
];


/**
 * The demo suppliers' merchants at the local LiqPay sandbox: one card debit of a checkout is
 * split among them (`split_rules`). Real suppliers' public keys are configured the same way.
 */
export const demoMerchants: { utility: 'electricity' | 'heat'; supplierCode: string; publicKey: string }[] = [
  { utility: 'electricity', supplierCode: 'kyiv-energo', publicKey: 'sandbox_kyiv_energo' },
  { utility: 'electricity', supplierCode: 'lviv-energo', publicKey: 'sandbox_lviv_energo' },
  { utility: 'electricity', supplierCode: 'odesa-energo', publicKey: 'sandbox_odesa_energo' },
  { utility: 'electricity', supplierCode: 'kamchatka-energo', publicKey: 'sandbox_kamchatka_energo' },
  { utility: 'heat', supplierCode: 'kyiv-teplo', publicKey: 'sandbox_kyiv_teplo' },
  { utility: 'heat', supplierCode: 'poltava-teplo', publicKey: 'sandbox_poltava_teplo' },
  { utility: 'heat', supplierCode: 'kharkiv-teplo', publicKey: 'sandbox_kharkiv_teplo' },
  // Kamchatskenergo takes both utilities' payments on one merchant.
  { utility: 'heat', supplierCode: 'kamchatka-energo', publicKey: 'sandbox_kamchatka_energo' },
];

/**
 * The demo Ukrainian suppliers' bank accounts for payment by bank transfer. Made up: the bank code
 * 399999 belongs to no bank, so a banking app that reads these refuses the transfer. Kamchatskenergo
 * has none: a Russian supplier takes no transfer by the NBU's details.
 */
export const demoBankAccounts: { utility: 'electricity' | 'heat'; supplierCode: string; recipient: string; recipientCode: string; iban: string }[] = [
  { utility: 'electricity', supplierCode: 'kyiv-energo', recipient: 'ТОВ «Київські енергетичні послуги»', recipientCode: '90000011', iban: 'UA503999990000026000010230000' },
  { utility: 'electricity', supplierCode: 'lviv-energo', recipient: 'ТОВ «Львівенергозбут»', recipientCode: '90000022', iban: 'UA583999990000026000010231117' },
  { utility: 'electricity', supplierCode: 'odesa-energo', recipient: 'ТОВ «Одеська енергозбутова компанія»', recipientCode: '90000033', iban: 'UA663999990000026000010232234' },
  { utility: 'heat', supplierCode: 'kyiv-teplo', recipient: 'КП «Київтеплоенерго»', recipientCode: '90000044', iban: 'UA743999990000026000010233351' },
  { utility: 'heat', supplierCode: 'poltava-teplo', recipient: 'ПАТ «Полтаватеплоенерго»', recipientCode: '90000055', iban: 'UA823999990000026000010234468' },
  { utility: 'heat', supplierCode: 'kharkiv-teplo', recipient: 'КП «Харківські теплові мережі»', recipientCode: '90000066', iban: 'UA903999990000026000010235585' },
];

export interface DemoPaymentItem {
  utility: 'electricity' | 'heat';
  supplierCode: string;
  supplierName: string;
  accountNumber: string;
  amountMinor: number;
}

export interface DemoPayment {
  id: string;
  payerId: string;
  daysAgo: number;
  items: DemoPaymentItem[];
}

/**
 * Captured payments of the demo users: the payments subgraph seeds them and each utility
 * subgraph seeds the matching ledger entries, as the ledger posting will do for real ones.
 */
export const demoPayments: DemoPayment[] = [
  {
    id: stableId('payment:1'),
    payerId: demoUsers.demo.id,
    daysAgo: 70,
    items: [
      { utility: 'electricity', supplierCode: 'kyiv-energo', supplierName: 'Київські енергетичні послуги', accountNumber: '10234567', amountMinor: 84_150 },
      { utility: 'heat', supplierCode: 'kyiv-teplo', supplierName: 'Київтеплоенерго', accountNumber: '260114400118700', amountMinor: 162_340 },
    ],
  },
  {
    id: stableId('payment:2'),
    payerId: demoUsers.demo.id,
    daysAgo: 40,
    items: [{ utility: 'electricity', supplierCode: 'lviv-energo', supplierName: 'Львівенергозбут', accountNumber: '46-208311', amountMinor: 51_220 }],
  },
  {
    id: stableId('payment:3'),
    payerId: demoUsers.demo.id,
    daysAgo: 12,
    items: [
      { utility: 'electricity', supplierCode: 'kyiv-energo', supplierName: 'Київські енергетичні послуги', accountNumber: '10234567', amountMinor: 90_000 },
      { utility: 'heat', supplierCode: 'poltava-teplo', supplierName: 'Полтаватеплоенерго', accountNumber: '5300712405', amountMinor: 120_000 },
    ],
  },
  {
    id: stableId('payment:4'),
    payerId: demoUsers.second.id,
    daysAgo: 20,
    items: [{ utility: 'electricity', supplierCode: 'odesa-energo', supplierName: 'Одеська енергозбутова компанія', accountNumber: 'OD4412907', amountMinor: 43_300 }],
  },
];

export function daysAgo(days: number, now = new Date()): Date {
  return new Date(now.getTime() - days * 24 * 3600 * 1000);
}

/**
 * The demo partner app, registered by identity's seed with every scope: its demo script (and
 * tests) get a customer's consent through the real OAuth flow and receive the code here.
 */
export const demoPartner = {
  clientId: 'demo-bank',
  name: 'Demo Bank',
  redirectUri: 'http://127.0.0.1:4100/callback',
} as const;
