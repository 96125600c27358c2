import type { Translations } from '@kabinet/errors';

/** What identity tells a person when it refuses something, in every language it answers in. */

/** BEWARE: keep in sync with gateway/src/pages/text.ts, which shows the same rule on the reset page. */
export const passwordRule: Translations = {
  en: 'Use 10 to 128 characters with at least one letter and one digit or symbol, not containing your email name.',
  uk: 'Використайте від 10 до 128 символів, серед них хоча б одну літеру й одну цифру чи інший знак, і не вживайте імені з адреси пошти.',
  ru: 'Используйте от 10 до 128 символов, среди них хотя бы одну букву и одну цифру или другой знак, и не используйте имя из адреса почты.',
};

const weaknesses: Record<string, Translations> = {
  'too short': { en: 'too short', uk: 'закороткий', ru: 'слишком короткий' },
  'no letter': { en: 'no letter', uk: 'немає жодної літери', ru: 'нет ни одной буквы' },
  'only letters': { en: 'only letters', uk: 'лише літери', ru: 'только буквы' },
  'contains the email name': { en: 'contains the email name', uk: 'містить імʼя з адреси пошти', ru: 'содержит имя из адреса почты' },
};

export const messages = {
  weakPassword: (weakness: string): Translations => {
    // Length is no weakness: a person who typed a long passphrase is told it is too long, not too simple.
    if (weakness === 'too long') {
      return {
        en: `Password is too long. ${passwordRule.en}`,
        uk: `Пароль задовгий. ${passwordRule.uk}`,
        ru: `Пароль слишком длинный. ${passwordRule.ru}`,
      };
    }
    const why = weaknesses[weakness] ?? { en: weakness, uk: weakness, ru: weakness };
    return {
      en: `Password is too weak (${why.en}). ${passwordRule.en}`,
      uk: `Пароль надто простий (${why.uk}). ${passwordRule.uk}`,
      ru: `Пароль слишком простой (${why.ru}). ${passwordRule.ru}`,
    };
  },
  passwordRequiredForEmail: (): Translations => ({
    en: 'Enter your current password to change your email address',
    uk: 'Щоб змінити адресу пошти, введіть свій чинний пароль',
    ru: 'Чтобы изменить адрес почты, введите свой текущий пароль',
  }),
  invalidCredentials: (): Translations => ({ en: 'Email or password is incorrect', uk: 'Неправильна адреса пошти або пароль', ru: 'Неверный адрес почты или пароль' }),
  invalidToken: (): Translations => ({
    en: 'This link or token is not valid (it may have been used already)',
    uk: 'Це посилання чи токен недійсні (можливо, ними вже скористалися)',
    ru: 'Эта ссылка или токен недействительны (возможно, ими уже воспользовались)',
  }),
  expiredToken: (): Translations => ({ en: 'This link or token has expired', uk: 'Термін дії посилання чи токена минув', ru: 'Срок действия ссылки или токена истёк' }),
  displayNameLength: (): Translations => ({
    en: 'Display name must be 1 to 100 characters',
    uk: 'Імʼя має містити від 1 до 100 символів',
    ru: 'Имя должно содержать от 1 до 100 символов',
  }),
  loginGone: (): Translations => ({ en: 'This login no longer exists', uk: 'Цього входу більше немає', ru: 'Этого входа больше нет' }),
  emailTakenMeanwhile: (): Translations => ({
    en: 'Another login took this email meanwhile',
    uk: 'Тим часом цю адресу пошти зайняв інший вхід',
    ru: 'Тем временем этот адрес почты занял другой вход',
  }),
  deactivated: (): Translations => ({ en: 'This login has been deactivated', uk: 'Цей вхід деактивовано', ru: 'Этот вход деактивирован' }),
  emailNotConfirmed: (): Translations => ({
    en: 'Confirm your email first: follow the link we sent you',
    uk: 'Спершу підтвердіть адресу пошти: перейдіть за посиланням, яке ми надіслали',
    ru: 'Сначала подтвердите адрес почты: перейдите по ссылке, которую мы отправили',
  }),
  refreshTokenReused: (): Translations => ({
    en: 'This refresh token was already used; the session has been ended for safety',
    uk: 'Цей токен оновлення вже використано; задля безпеки сеанс завершено',
    ru: 'Этот токен обновления уже использован; ради безопасности сеанс завершён',
  }),
  appNotAuthorized: (): Translations => ({
    en: 'This app has no access to your Kabinet',
    uk: 'Цей застосунок не має доступу до вашого Кабінету',
    ru: 'У этого приложения нет доступа к вашему Кабинету',
  }),
};
