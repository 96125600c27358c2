import { translated, type Locale, type Translations } from '@kabinet/errors';
import { zoneIn } from './zones';

/*
 * What the personal cabinet tells a person when it refuses something, in every language it
 * answers in (`DomainError` picks the request's). Codes and `details` stay machine-readable;
 * these are the words.
 */

/** English dates as the rest of Europe writes them: "1 December 2026". */
const intlLocale = (locale: Locale) => (locale === 'en' ? 'en-GB' : locale);

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();
const monthFormats = new Map<Locale, Intl.DateTimeFormat>();
const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** `2026-12-01` → "1 December 2026", "1 грудня 2026 р.", "1 декабря 2026 г.". */
export function dayIn(locale: Locale, date: string): string {
  let format = dateFormats.get(locale);
  if (!format) dateFormats.set(locale, (format = new Intl.DateTimeFormat(intlLocale(locale), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })));
  return format.format(new Date(`${date}T00:00:00Z`));
}

/** `2026-11` → "November 2026", "листопад 2026 р.", "ноябрь 2026 г.". */
export function monthIn(locale: Locale, period: string): string {
  let format = monthFormats.get(locale);
  if (!format) monthFormats.set(locale, (format = new Intl.DateTimeFormat(intlLocale(locale), { month: 'long', year: 'numeric', timeZone: 'UTC' })));
  return format.format(new Date(`${period.slice(0, 7)}-01T00:00:00Z`));
}

/**
 * An instant on the supplier's clock, saying which clock: "2 December 2026 at 14:05 EET",
 * "2 грудня 2026 р. о 14:05 GMT+2". A household in another zone (or a Kamchatka supplier's, 10
 * hours ahead of Kyiv) would otherwise read the time as its own.
 */
export function momentIn(locale: Locale, instant: Date, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = instantFormats.get(key);
  if (!format) {
    const options = { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short', timeZone } as const;
    instantFormats.set(key, (format = new Intl.DateTimeFormat(intlLocale(locale), options)));
  }
  return format.format(instant);
}

/** Ends a sentence with its full stop, once: Ukrainian and Russian dates end in one already ("2026 р."). */
const sentence = (text: string) => (text.endsWith('.') ? text : `${text}.`);

const zonesIn = (locale: Locale, zones: string[]) => zones.map((zone) => zoneIn(locale, zone)).join(', ');

export const messages = {
  // --- accounts and access ---------------------------------------------------------------------
  accountNotFound: (): Translations => ({ en: 'There is no such account', uk: 'Такого особового рахунку немає', ru: 'Такого лицевого счёта нет' }),
  accountNumberNotFound: (): Translations => ({
    en: 'Your supplier has no account with this number',
    uk: 'У вашого постачальника немає рахунку з таким номером',
    ru: 'У вашего поставщика нет счёта с таким номером',
  }),
  supplierNotFound: (): Translations => ({ en: 'There is no such supplier', uk: 'Такого постачальника немає', ru: 'Такого поставщика нет' }),
  holderOnly: (): Translations => ({
    en: 'Only the holder of this account can do this',
    uk: 'Це може зробити лише власник цього рахунку в кабінеті',
    ru: 'Это может сделать только владелец этого счёта в кабинете',
  }),
  householdsLinkOnly: (): Translations => ({
    en: 'Only a household’s login links accounts; staff work with their supplier’s accounts through the operator fields',
    uk: 'Привʼязувати рахунки може лише вхід домогосподарства; працівники постачальника працюють з його рахунками через поля оператора',
    ru: 'Привязывать счета может только вход домохозяйства; сотрудники поставщика работают с его счетами через поля оператора',
  }),
  ownSupplierOnly: (): Translations => ({
    en: 'Operators act for their own supplier only',
    uk: 'Оператори діють лише від імені свого постачальника',
    ru: 'Операторы действуют только от имени своего поставщика',
  }),
  adminNamesSupplier: (): Translations => ({
    en: 'Admins must name the supplier',
    uk: 'Адміністратор має вказати постачальника',
    ru: 'Администратор должен указать поставщика',
  }),
  staffOnly: (): Translations => ({
    en: "Only the supplier's staff can do this",
    uk: 'Це можуть зробити лише працівники постачальника',
    ru: 'Это могут сделать только сотрудники поставщика',
  }),
  loginDeactivated: (): Translations => ({
    en: 'This login has been deactivated',
    uk: 'Цей вхід деактивовано',
    ru: 'Этот вход деактивирован',
  }),
  invalidAccountNumber: (supplier: string, format: Translations): Translations => ({
    en: `${supplier} account numbers look like this: ${format.en}`,
    uk: `Номери рахунків ${supplier} мають такий вигляд: ${format.uk}`,
    ru: `Номера счетов ${supplier} выглядят так: ${format.ru}`,
  }),

  tariffMissing: (supplier: string, date: string): Translations =>
    translated((locale) => {
      const day = dayIn(locale, date);
      return {
        en: `${supplier} has no tariff in effect on ${day}`,
        uk: `${supplier} не має тарифу, чинного на ${day}`,
        ru: `У ${supplier} нет тарифа, действующего на ${day}`,
      }[locale];
    }),

  quoteZoneSets: (sets: string[]): Translations => ({
    en: `Give one value per zone of a meter: ${sets.join('; or ')}`,
    uk: `Дайте одне значення на кожну зону лічильника: ${sets.join('; або ')}`,
    ru: `Дайте одно значение на каждую зону счётчика: ${sets.join('; или ')}`,
  }),
  accountNotBilled: (): Translations => ({
    en: 'The database refused this account\'s bill; the log has the details',
    uk: 'База даних не прийняла рахунок цього особового рахунку; подробиці в журналі',
    ru: 'База данных не приняла счёт этого лицевого счёта; подробности в журнале',
  }),
  quoteZoneSetsTogether: (sets: string[]): Translations => ({
    en: `Give one value per zone, for any of: ${sets.join('; ')}`,
    uk: `Дайте одне значення на кожну зону, для будь-яких із: ${sets.join('; ')}`,
    ru: `Дайте одно значение на каждую зону, для любых из: ${sets.join('; ')}`,
  }),
  quoteValue: (zone: string, unit: Translations): Translations => ({
    en: `${zone}: a non-negative amount of ${unit.en} with up to 3 decimals, e.g. 250 or 212.5`,
    uk: `${zone}: невідʼємна кількість ${unit.uk}, до 3 знаків після коми, напр. 250 або 212,5`,
    ru: `${zone}: неотрицательное количество ${unit.ru}, до 3 знаков после запятой, напр. 250 или 212,5`,
  }),

  // --- linking ---------------------------------------------------------------------------------
  proofNotAccepted: (supplier: string, proofs: string[]): Translations => ({
    en: `${supplier} accepts these proofs: ${proofs.join(', ')}`,
    uk: `${supplier} приймає такі підтвердження: ${proofs.join(', ')}`,
    ru: `${supplier} принимает такие подтверждения: ${proofs.join(', ')}`,
  }),
  officeCodesNotAccepted: (supplier: string): Translations => ({
    en: `${supplier} does not accept office codes as a proof; a code would link nothing`,
    uk: `${supplier} не приймає коди з офісу як підтвердження: код нічого не привʼязав би`,
    ru: `${supplier} не принимает коды из офиса как подтверждение: код ничего бы не привязал`,
  }),
  linkLocked: (until: Date, timeZone: string): Translations =>
    translated((locale) => {
      const when = momentIn(locale, until, timeZone);
      return {
        en: `Too many wrong proofs for this account number. Try again after ${when}.`,
        uk: `Забагато хибних підтверджень для цього номера рахунку. Спробуйте знову після ${when}.`,
        ru: `Слишком много неверных подтверждений для этого номера счёта. Попробуйте снова после ${when}.`,
      }[locale];
    }),
  linkLockedForLogin: (until: Date, timeZone: string): Translations =>
    translated((locale) => {
      const when = momentIn(locale, until, timeZone);
      return {
        en: `Too many wrong proofs from this login. Linking accounts is locked until ${when}.`,
        uk: `Забагато хибних підтверджень з цього входу. Привʼязування рахунків заблоковано до ${when}.`,
        ru: `Слишком много неверных подтверждений с этого входа. Привязка счетов заблокирована до ${when}.`,
      }[locale];
    }),
  linkProofRejected: (): Translations => ({
    en: 'This account number and proof do not match an account of this supplier',
    uk: 'Цей номер рахунку й підтвердження не відповідають жодному рахунку цього постачальника',
    ru: 'Этот номер счёта и подтверждение не соответствуют ни одному счёту этого поставщика',
  }),
  heldByAnotherLogin: (): Translations => ({
    en: 'This account is linked to another Kabinet login. Unlink it there first (or deactivate that login), then link it here.',
    uk: 'Цей рахунок привʼязано до іншого входу в Kabinet. Спершу відвʼяжіть його там (або деактивуйте той вхід), а тоді привʼяжіть тут.',
    ru: 'Этот счёт привязан к другому входу в Kabinet. Сначала отвяжите его там (или деактивируйте тот вход), а затем привяжите здесь.',
  }),

  // --- readings --------------------------------------------------------------------------------
  readingWindowClosed: (supplier: string, window: { period: string; opensOn: string; closesOn: string }): Translations =>
    translated((locale) => {
      const [month, from, to] = [monthIn(locale, window.period), dayIn(locale, window.opensOn), dayIn(locale, window.closesOn)];
      return {
        en: sentence(`${supplier} is not taking readings today: readings for ${month} are taken from ${from} to ${to}`),
        uk: sentence(`${supplier} сьогодні не приймає показання: показання за ${month} приймають з ${from} до ${to}`),
        ru: sentence(`${supplier} сегодня не принимает показания: показания за ${month} принимают с ${from} по ${to}`),
      }[locale];
    }),
  periodBilledForReadings: (period: string): Translations =>
    translated((locale) => {
      const month = monthIn(locale, period);
      return {
        en: `${month} is billed already; submit next month's readings in its window`,
        uk: `За ${month} рахунок уже виставлено; подайте показання наступного місяця в його період`,
        ru: `За ${month} счёт уже выставлен; подайте показания следующего месяца в его период`,
      }[locale];
    }),
  readingAboveFinal: (serial: string, zone: string, finalValue: string, value: string): Translations =>
    translated((locale) => {
      const named = zoneIn(locale, zone);
      return {
        en: `Meter ${serial} (${named}) read ${finalValue} when it was removed; ${value} cannot come before that`,
        uk: `Лічильник ${serial} (${named}) показував ${finalValue}, коли його зняли; ${value} не може бути раніше`,
        ru: `Счётчик ${serial} (${named}) показывал ${finalValue}, когда его сняли; ${value} не может быть раньше`,
      }[locale];
    }),
  readingBelowPrevious: (serial: string, zone: string, previous: string, value: string): Translations =>
    translated((locale) => {
      const named = zoneIn(locale, zone);
      return {
        en: `Meter ${serial} (${named}) read ${previous} before; ${value} is lower`,
        uk: `Лічильник ${serial} (${named}) раніше показував ${previous}; ${value} — менше`,
        ru: `Счётчик ${serial} (${named}) раньше показывал ${previous}; ${value} — меньше`,
      }[locale];
    }),
  unusualConsumption: (): Translations => ({
    en: 'This consumption is far above the usual. Check the readings, and submit again with confirmUnusual: true if they are right.',
    uk: 'Це споживання значно більше за звичайне. Перевірте показання й, якщо вони правильні, подайте знову з confirmUnusual: true.',
    ru: 'Это потребление намного выше обычного. Проверьте показания и, если они верны, подайте снова с confirmUnusual: true.',
  }),
  accountCheckFailed: (): Translations => ({
    en: 'This account number and check do not match an account of this supplier',
    uk: 'Цей номер рахунку й перевірка не відповідають жодному рахунку цього постачальника',
    ru: 'Этот номер счёта и проверка не соответствуют ни одному счёту этого поставщика',
  }),
  noSuchMeterSerial: (serial: string): Translations => ({
    en: `This account has no meter ${serial}`,
    uk: `У цього рахунку немає лічильника ${serial}`,
    ru: `У этого счёта нет счётчика ${serial}`,
  }),
  noReadings: (): Translations => ({ en: 'Submit at least one reading', uk: 'Подайте хоча б одне показання', ru: 'Подайте хотя бы одно показание' }),
  meterReplaced: (serial: string, removedOn: string): Translations =>
    translated((locale) => {
      const day = dayIn(locale, removedOn);
      return {
        en: `Meter ${serial} was replaced on ${day}: its final values close this month`,
        uk: `Лічильник ${serial} замінено ${day}: його кінцеві показання закривають цей місяць`,
        ru: `Счётчик ${serial} заменён ${day}: его конечные показания закрывают этот месяц`,
      }[locale];
    }),
  noMeterInService: (): Translations => ({
    en: 'This account has no such meter in service',
    uk: 'У цього рахунку немає такого лічильника в роботі',
    ru: 'У этого счёта нет такого счётчика в работе',
  }),
  meterZones: (serial: string, zones: string[]): Translations =>
    translated((locale) => {
      const named = zonesIn(locale, zones);
      return {
        en: `Meter ${serial} has the zones ${named}`,
        uk: `Лічильник ${serial} має зони ${named}`,
        ru: `Счётчик ${serial} имеет зоны ${named}`,
      }[locale];
    }),
  zoneTwice: (serial: string, zone: string): Translations =>
    translated((locale) => {
      const named = zoneIn(locale, zone);
      return {
        en: `Meter ${serial} (${named}) is submitted twice`,
        uk: `Лічильник ${serial} (${named}) подано двічі`,
        ru: `Счётчик ${serial} (${named}) подан дважды`,
      }[locale];
    }),
  meterValueShape: (serial: string, digits: number): Translations => ({
    en: `Meter ${serial} shows up to ${digits} digits and 3 decimals, e.g. 18432.5`,
    uk: `Лічильник ${serial} показує до ${digits} цифр і 3 знаки після коми, напр. 18432,5`,
    ru: `Счётчик ${serial} показывает до ${digits} цифр и 3 знака после запятой, напр. 18432,5`,
  }),
  missingZones: (serial: string, zones: string[]): Translations =>
    translated((locale) => {
      const named = zonesIn(locale, zones);
      return {
        en: `Submit every zone of meter ${serial}: ${named} missing`,
        uk: `Подайте всі зони лічильника ${serial}: бракує ${named}`,
        ru: `Подайте все зоны счётчика ${serial}: не хватает ${named}`,
      }[locale];
    }),

  // --- billing runs ----------------------------------------------------------------------------
  billingMonthShape: (): Translations => ({
    en: 'A billing month looks like 2026-11',
    uk: 'Розрахунковий місяць записують так: 2026-11',
    ru: 'Расчётный месяц записывают так: 2026-11',
  }),
  billingPeriodOpen: (period: string, closesOn: string): Translations =>
    translated((locale) => {
      const [month, day] = [monthIn(locale, period), dayIn(locale, closesOn)];
      return {
        en: `Readings for ${month} are taken until ${day}; bill the month after that`,
        uk: `Показання за ${month} приймають до ${day}; розраховуйте місяць після цього`,
        ru: `Показания за ${month} принимают до ${day}; рассчитывайте месяц после этого`,
      }[locale];
    }),
  periodBilledBefore: (supplier: string, latest: string, period: string): Translations =>
    translated((locale) => {
      const [last, month] = [monthIn(locale, latest), monthIn(locale, period)];
      return {
        en: `${supplier} has billed up to ${last}; ${month} cannot be billed after it`,
        uk: `${supplier} уже розрахував місяці до ${last} включно; ${month} не можна розрахувати після нього`,
        ru: `${supplier} уже рассчитал месяцы по ${last} включительно; ${month} нельзя рассчитать после него`,
      }[locale];
    }),
  earlierPeriodUnbilled: (supplier: string, next: string): Translations =>
    translated((locale) => {
      const month = monthIn(locale, next);
      return {
        en: `${supplier} bills months in order: bill ${month} first`,
        uk: `${supplier} розраховує місяці по черзі: спершу розрахуйте ${month}`,
        ru: `${supplier} рассчитывает месяцы по порядку: сначала рассчитайте ${month}`,
      }[locale];
    }),
  accountMonthUnbilled: (accountNumber: string, missing: string): Translations =>
    translated((locale) => {
      const month = monthIn(locale, missing);
      return {
        en: `Account ${accountNumber} has no bill for ${month}: bill ${month} first`,
        uk: `Рахунок ${accountNumber} не має рахунку-квитанції за ${month}: спершу розрахуйте ${month}`,
        ru: `У счёта ${accountNumber} нет квитанции за ${month}: сначала рассчитайте ${month}`,
      }[locale];
    }),
  billingRunInProgress: (supplier: string, running: string, period: string): Translations =>
    translated((locale) => {
      const [now, next] = [monthIn(locale, running), monthIn(locale, period)];
      return {
        en: `${supplier} is billing ${now} right now; start ${next} once that run has finished`,
        uk: `${supplier} саме розраховує ${now}; почніть ${next}, коли той розрахунок завершиться`,
        ru: `${supplier} сейчас рассчитывает ${now}; начните ${next}, когда тот расчёт завершится`,
      }[locale];
    }),

  // --- meter replacement -----------------------------------------------------------------------
  meterNotFound: (): Translations => ({
    en: 'Your supplier has no such meter in service',
    uk: 'У вашого постачальника немає такого лічильника в роботі',
    ru: 'У вашего поставщика нет такого счётчика в работе',
  }),
  anotherSuppliersMeter: (): Translations => ({
    en: "This meter is another supplier's",
    uk: 'Це лічильник іншого постачальника',
    ru: 'Это счётчик другого поставщика',
  }),
  oneValuePerZone: (field: string, zones: string[], digits: number): Translations => ({
    en: `${field}: one value per zone (${zones.join(', ')}), up to ${digits} digits and 3 decimals`,
    uk: `${field}: одне значення на зону (${zones.join(', ')}), до ${digits} цифр і 3 знаків після коми`,
    ru: `${field}: одно значение на зону (${zones.join(', ')}), до ${digits} цифр и 3 знаков после запятой`,
  }),
  everyZoneNeedsValue: (field: string, zones: string[]): Translations => ({
    en: `${field}: every zone needs a value (${zones.join(', ')})`,
    uk: `${field}: потрібне значення для кожної зони (${zones.join(', ')})`,
    ru: `${field}: нужно значение для каждой зоны (${zones.join(', ')})`,
  }),
  replacementMonthBilled: (period: string): Translations =>
    translated((locale) => {
      const month = monthIn(locale, period);
      return {
        en: `${month} is billed already; a replacement can only be recorded in an unbilled month`,
        uk: `${month} уже розраховано; заміну можна записати лише в нерозрахованому місяці`,
        ru: `${month} уже рассчитан; замену можно записать только в нерассчитанном месяце`,
      }[locale];
    }),
  finalBelowPrevious: (serial: string, zone: string, previous: string): Translations =>
    translated((locale) => {
      const named = zoneIn(locale, zone);
      return {
        en: `Meter ${serial} (${named}) read ${previous} before`,
        uk: `Лічильник ${serial} (${named}) раніше показував ${previous}`,
        ru: `Счётчик ${serial} (${named}) раньше показывал ${previous}`,
      }[locale];
    }),
  serialNumberLength: (): Translations => ({
    en: 'A serial number of 1 to 64 characters',
    uk: 'Заводський номер — від 1 до 64 символів',
    ru: 'Заводской номер — от 1 до 64 символов',
  }),
  meterZoneSets: (sets: string[]): Translations => ({
    en: `Meter zones must be one of: ${sets.join(', ')}`,
    uk: `Зони лічильника мають бути одним із наборів: ${sets.join(', ')}`,
    ru: `Зоны счётчика должны быть одним из наборов: ${sets.join(', ')}`,
  }),
  meterDigits: (): Translations => ({ en: 'Meters show 4 to 9 digits', uk: 'Лічильники показують від 4 до 9 цифр', ru: 'Счётчики показывают от 4 до 9 цифр' }),
  replacementDate: (installedOn: string, today: string): Translations =>
    translated((locale) => {
      const [after, until] = [dayIn(locale, installedOn), dayIn(locale, today)];
      return {
        en: `The replacement date must be after ${after} and not after today (${until})`,
        uk: `Дата заміни має бути після ${after} і не пізніше за сьогодні (${until})`,
        ru: `Дата замены должна быть после ${after} и не позже сегодняшней (${until})`,
      }[locale];
    }),
  verificationInFuture: (): Translations => ({
    en: 'The last verification cannot be in the future',
    uk: 'Остання повірка не може бути в майбутньому',
    ru: 'Последняя поверка не может быть в будущем',
  }),
  verificationInterval: (): Translations => ({
    en: 'The verification interval is 1 to 30 years',
    uk: 'Міжповірковий інтервал — від 1 до 30 років',
    ru: 'Межповерочный интервал — от 1 до 30 лет',
  }),

  // --- e-receipts, appeals, lists --------------------------------------------------------------
  eReceiptLinkExpired: (): Translations => ({
    en: 'This link has expired; subscribe again',
    uk: 'Термін дії посилання минув; підпишіться знову',
    ru: 'Срок действия ссылки истёк; подпишитесь снова',
  }),
  eReceiptLinkInvalid: (): Translations => ({
    en: 'This link is not valid (it may have been used already)',
    uk: 'Це посилання недійсне (можливо, ним уже скористалися)',
    ru: 'Эта ссылка недействительна (возможно, ею уже воспользовались)',
  }),
  appealNotFound: (): Translations => ({ en: 'There is no such appeal', uk: 'Такого звернення немає', ru: 'Такого обращения нет' }),
  appealClosed: (): Translations => ({
    en: 'This appeal is closed; file a new one',
    uk: 'Це звернення закрито; подайте нове',
    ru: 'Это обращение закрыто; подайте новое',
  }),
  textLength: (field: string, max: number): Translations => ({
    en: `${field} must be 1 to ${max} characters`,
    uk: `${field}: від 1 до ${max} символів`,
    ru: `${field}: от 1 до ${max} символов`,
  }),
  callbackNeedsPhone: (): Translations => ({
    en: 'A callback needs a phone number',
    uk: 'Щоб вам передзвонили, потрібен номер телефону',
    ru: 'Чтобы вам перезвонили, нужен номер телефона',
  }),
  monthsRange: (max: number): Translations => ({
    en: `months must be between 1 and ${max}`,
    uk: `months має бути від 1 до ${max}`,
    ru: `months должно быть от 1 до ${max}`,
  }),
};
