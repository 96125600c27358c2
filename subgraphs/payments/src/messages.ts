import { formatMinor } from '@kabinet/money';
import type { Translations } from '@kabinet/errors';

/** What payments tells a person when it refuses something, in every language it answers in. */
export const messages = {
  noItems: (): Translations => ({
    en: 'Add at least one account to pay',
    uk: 'Додайте хоча б один рахунок до оплати',
    ru: 'Добавьте хотя бы один счёт к оплате',
  }),
  tooManyItems: (max: number): Translations => ({
    en: `A checkout pays at most ${max} accounts`,
    uk: `За один раз можна сплатити не більше ${max} рахунків`,
    ru: `За один раз можно оплатить не более ${max} счетов`,
  }),
  sameAccountTwice: (): Translations => ({
    en: 'Each account may appear once in a checkout; put its whole amount in one item',
    uk: 'Кожен рахунок може бути в оплаті лише раз; вкажіть усю суму в одному рядку',
    ru: 'Каждый счёт может быть в оплате только раз; укажите всю сумму в одной строке',
  }),
  amountFormat: (): Translations => ({
    en: 'Enter the amount as a number with at most two decimals, e.g. 250.50',
    uk: 'Введіть суму числом, не більше двох знаків після коми, напр. 250,50',
    ru: 'Введите сумму числом, не более двух знаков после запятой, напр. 250,50',
  }),
  amountNotPositive: (): Translations => ({
    en: 'The amount must be more than zero',
    uk: 'Сума має бути більшою за нуль',
    ru: 'Сумма должна быть больше нуля',
  }),
  amountOverLimit: (maxMinor: number): Translations => ({
    en: `One checkout pays at most ${formatMinor(maxMinor, 'UAH')}`,
    uk: `Однією оплатою можна сплатити не більше ${formatMinor(maxMinor, 'UAH')}`,
    ru: `Одной оплатой можно оплатить не более ${formatMinor(maxMinor, 'UAH')}`,
  }),
  returnUrl: (): Translations => ({
    en: 'The return address must be an http(s) address of this service or of an allowed app',
    uk: 'Адреса повернення має бути http(s)-адресою цього сервісу або дозволеного застосунку',
    ru: 'Адрес возврата должен быть http(s)-адресом этого сервиса или разрешённого приложения',
  }),
  idempotencyKey: (): Translations => ({
    en: 'The idempotency key must be 8 to 100 letters, digits, dashes or underscores',
    uk: 'Ключ ідемпотентності: від 8 до 100 літер, цифр, дефісів чи підкреслень',
    ru: 'Ключ идемпотентности: от 8 до 100 букв, цифр, дефисов или подчёркиваний',
  }),
  idempotencyKeyReused: (): Translations => ({
    en: 'This idempotency key was already used for a different checkout; use a new key for a new checkout',
    uk: 'Цей ключ ідемпотентності вже використано для іншої оплати; для нової оплати потрібен новий ключ',
    ru: 'Этот ключ идемпотентности уже использован для другой оплаты; для новой оплаты нужен новый ключ',
  }),
  accountNotHeld: (): Translations => ({
    en: 'You can pay only accounts linked to your login',
    uk: 'Сплатити можна лише рахунки, привʼязані до вашого кабінету',
    ru: 'Оплатить можно только счета, привязанные к вашему кабинету',
  }),
  currenciesMixed: (): Translations => ({
    en: 'One checkout pays accounts in one currency; pay the others separately',
    uk: 'Одна оплата — рахунки в одній валюті; інші сплатіть окремо',
    ru: 'Одна оплата — счета в одной валюте; остальные оплатите отдельно',
  }),
  supplierNotPayable: (): Translations => ({
    en: 'This supplier does not take this way of paying through Kabinet yet; choose another',
    uk: 'Цей постачальник поки не приймає такий спосіб оплати через Kabinet; оберіть інший',
    ru: 'Этот поставщик пока не принимает такой способ оплаты через Kabinet; выберите другой',
  }),
  notConfirmed: (): Translations => ({
    en: 'The accounts could not be confirmed in time; start the payment again',
    uk: 'Рахунки не вдалося підтвердити вчасно; почніть оплату знову',
    ru: 'Счета не удалось подтвердить вовремя; начните оплату снова',
  }),
  providerUnknown: (): Translations => ({
    en: 'This payment provider is not available',
    uk: 'Ця платіжна система недоступна',
    ru: 'Эта платёжная система недоступна',
  }),
  checkoutNotFound: (): Translations => ({
    en: 'No such checkout',
    uk: 'Такої оплати немає',
    ru: 'Такой оплаты нет',
  }),
} satisfies Record<string, (...args: never[]) => Translations>;
