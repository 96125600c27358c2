import type { Translations } from '@kabinet/errors';

/**
 * What a customer may let a registered partner app do for them. A token issued to a partner
 * carries the scopes the customer allowed; a first-party session (Kabinet's own web and mobile
 * apps, the `login` mutation) carries none and may do everything its role allows.
 */
export const scopes = ['accounts:read', 'readings:write', 'payments:write'] as const;
export type Scope = (typeof scopes)[number];

/** How the consent page names each scope to the customer, in their language. */
export const scopeDescriptions: Record<Scope, Translations> = {
  'accounts:read': {
    en: 'see your accounts, balances, bills, meters and payments',
    uk: 'бачити ваші особові рахунки, баланси, рахунки до сплати, лічильники й платежі',
    ru: 'видеть ваши лицевые счета, балансы, счета к оплате, счётчики и платежи',
  },
  'readings:write': {
    en: 'submit meter readings for your accounts',
    uk: 'передавати показники лічильників ваших рахунків',
    ru: 'передавать показания счётчиков ваших счетов',
  },
  'payments:write': {
    en: 'pay your accounts',
    uk: 'сплачувати ваші рахунки',
    ru: 'оплачивать ваши счета',
  },
};

export const isScope = (value: string): value is Scope => (scopes as readonly string[]).includes(value);

/** The known scopes of a space-separated `scope` claim (RFC 9068); unknown ones are dropped. */
export const parseScopeClaim = (claim: string): Scope[] => [...new Set(claim.split(' ').filter(isScope))];
