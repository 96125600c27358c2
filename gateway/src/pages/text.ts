export const languages = ['uk', 'en'] as const;
export type Language = (typeof languages)[number];

/** Utilities whose e-receipt links the pages know how to name. */
export const utilities = ['electricity', 'heat'] as const;
export type Utility = (typeof utilities)[number];

/** Error codes the API answers these mutations with, each told in words. */
export type ExpectedErrorCode = 'INVALID_TOKEN' | 'TOKEN_EXPIRED' | 'WEAK_PASSWORD' | 'RATE_LIMITED';

/** What the page's script says while and after it calls the API; sent to it inside the page. */
export interface ActionText {
  working: string;
  /** `{email}` becomes the address concerned. */
  success: string;
  unexpected: string;
  errors: Partial<Record<ExpectedErrorCode, string>>;
  passwordMissing?: string;
  passwordsDiffer?: string;
  emailMissing?: string;
}

export interface PageText {
  title: string;
  intro: string;
  button: string;
  action: ActionText;
}

export interface LanguageText {
  /** The language's own name, on the switch that leads to it. */
  name: string;
  languageNav: string;
  noScript: string;
  brokenLink: string;
  confirmEmail: PageText;
  resetPassword: PageText & { rule: string; newPassword: string; repeatPassword: string; requestAgain: string };
  /** Where a reset starts (also where a spent reset link sends you): asks for the address. */
  requestReset: PageText & { email: string };
  eReceipts: { title: string; page: (utility: Utility) => PageText; unavailable: (utility: Utility) => string };
  /** Where the payment provider sends the payer back (a checkout's default `returnUrl`). */
  paymentReturn: { title: string; message: string };
}

// BEWARE: keep in sync with passwordRule in subgraphs/identity/src/messages.ts.
const passwordRule: Record<Language, string> = {
  uk: 'Пароль має містити від 10 до 128 символів, щонайменше одну літеру й одну цифру або інший знак і не містити частини вашої адреси пошти до «@».',
  en: 'The password needs 10 to 128 characters, with at least one letter and one digit or other symbol, and must not contain the part of your email address before “@”.',
};

const ukEReceipts = 'Електронні рахунки';
const ukUtilities: Record<Utility, string> = { electricity: 'електроенергію', heat: 'тепло й гарячу воду' };
const enEReceipts = 'Bills by email';
const enUtilities: Record<Utility, string> = { electricity: 'electricity', heat: 'heat and hot water' };

const uk: LanguageText = {
  name: 'Українська',
  languageNav: 'Мова',
  noScript: 'Ця сторінка працює лише з увімкненим JavaScript. Увімкніть його й відкрийте посилання з листа ще раз.',
  brokenLink: 'Посилання неповне або пошкоджене. Відкрийте його з листа ще раз або скопіюйте повністю в адресний рядок.',
  confirmEmail: {
    title: 'Підтвердження електронної пошти',
    intro: 'Підтвердьте, що це ваша адреса, щоб входити з нею в Kabinet.',
    button: 'Підтвердити адресу',
    action: {
      working: 'Підтверджуємо адресу…',
      success: 'Адресу {email} підтверджено. Тепер можна входити з нею в Kabinet.',
      unexpected: 'Не вдалося підтвердити адресу: Kabinet зараз не відповідає. Спробуйте ще раз за кілька хвилин.',
      errors: {
        INVALID_TOKEN: 'Це посилання недійсне або ним уже скористалися. Якщо ви вже підтвердили адресу, просто увійдіть у Kabinet.',
        TOKEN_EXPIRED:
          'Термін дії посилання минув: воно діє 48 годин. Зареєструйтеся ще раз із цією адресою, і ми надішлемо нове посилання; якщо ж ви змінювали адресу в профілі, змініть її там ще раз.',
      },
    },
  },
  resetPassword: {
    title: 'Новий пароль',
    intro: 'Придумайте новий пароль для входу в Kabinet і введіть його двічі.',
    button: 'Зберегти пароль',
    rule: passwordRule.uk,
    newPassword: 'Новий пароль',
    repeatPassword: 'Повторіть новий пароль',
    requestAgain: 'Надіслати нове посилання',
    action: {
      working: 'Зберігаємо пароль…',
      success: 'Пароль змінено. Увійдіть у Kabinet з новим паролем; на всіх інших пристроях вхід завершено.',
      unexpected: 'Не вдалося зберегти пароль: Kabinet зараз не відповідає. Спробуйте ще раз за кілька хвилин.',
      passwordMissing: 'Введіть новий пароль.',
      passwordsDiffer: 'Паролі не збігаються. Введіть той самий пароль в обидва поля.',
      errors: {
        WEAK_PASSWORD: `Цей пароль надто простий. ${passwordRule.uk}`,
        INVALID_TOKEN: 'Це посилання недійсне або ним уже скористалися. Щоб змінити пароль, попросіть нове посилання.',
        TOKEN_EXPIRED: 'Термін дії посилання минув: воно діє одну годину. Щоб змінити пароль, попросіть нове посилання.',
      },
    },
  },
  requestReset: {
    title: 'Відновлення пароля',
    intro: 'Введіть адресу, з якою входите в Kabinet, і ми надішлемо на неї посилання, щоб задати новий пароль.',
    button: 'Надіслати посилання',
    email: 'Електронна пошта',
    action: {
      working: 'Надсилаємо…',
      success: 'Якщо в Kabinet є вхід з адресою {email}, на неї вже йде лист із посиланням для нового пароля. Посилання діє одну годину.',
      unexpected: 'Не вдалося надіслати посилання: Kabinet зараз не відповідає. Спробуйте ще раз за кілька хвилин.',
      emailMissing: 'Введіть адресу електронної пошти.',
      errors: {
        RATE_LIMITED: 'Забагато запитів на відновлення пароля. Спробуйте ще раз пізніше.',
      },
    },
  },
  paymentReturn: {
    title: 'Оплата',
    message: 'Платіжна система повернула вас до Kabinet. Чи пройшла оплата, видно в застосунку, у розділі «Платежі», щойно платіжна система її підтвердить. Квитанцію про оплату також надішлемо на вашу пошту.',
  },
  eReceipts: {
    title: ukEReceipts,
    page: (utility) => ({
      title: ukEReceipts,
      intro: `Підтвердьте, що рахунки за ${ukUtilities[utility]} можна надсилати на цю адресу.`,
      button: 'Підтвердити адресу',
      action: {
        working: 'Підтверджуємо адресу…',
        success: `Готово: нові рахунки за ${ukUtilities[utility]} надходитимуть на {email}.`,
        unexpected: 'Не вдалося підтвердити адресу: Kabinet зараз не відповідає. Спробуйте ще раз за кілька хвилин.',
        errors: {
          INVALID_TOKEN: 'Це посилання недійсне або ним уже скористалися. Якщо ви вже підтвердили адресу, більше нічого робити не треба.',
          TOKEN_EXPIRED: 'Термін дії посилання минув: воно діє 48 годин. Підпишіться на електронні рахунки ще раз у застосунку Kabinet.',
        },
      },
    }),
    unavailable: (utility) =>
      `Kabinet поки що не надсилає електронних рахунків за ${ukUtilities[utility]}, тож підтверджувати тут нічого. Якщо ви отримали такий лист, зверніться до свого постачальника.`,
  },
};

const en: LanguageText = {
  name: 'English',
  languageNav: 'Language',
  noScript: 'This page needs JavaScript. Turn it on and open the link from the email again.',
  brokenLink: 'This link is incomplete or damaged. Open it from the email again, or copy all of it into the address bar.',
  confirmEmail: {
    title: 'Confirm your email',
    intro: 'Confirm that this address is yours to log in to Kabinet with it.',
    button: 'Confirm address',
    action: {
      working: 'Confirming your address…',
      success: 'Your address {email} is confirmed. You can now log in to Kabinet with it.',
      unexpected: 'Your address could not be confirmed: Kabinet is not answering right now. Please try again in a few minutes.',
      errors: {
        INVALID_TOKEN: 'This link is not valid or has already been used. If you have already confirmed your address, just log in to Kabinet.',
        TOKEN_EXPIRED:
          'This link has expired: it works for 48 hours. Register again with this address and we will send a new link; if you changed your address in your profile, change it there again.',
      },
    },
  },
  resetPassword: {
    title: 'Set a new password',
    intro: 'Choose a new password for your Kabinet login and type it twice.',
    button: 'Save password',
    rule: passwordRule.en,
    newPassword: 'New password',
    repeatPassword: 'Repeat the new password',
    requestAgain: 'Send me a new link',
    action: {
      working: 'Saving your password…',
      success: 'Your password has been changed. Log in to Kabinet with the new password; you have been logged out on every other device.',
      unexpected: 'Your password could not be saved: Kabinet is not answering right now. Please try again in a few minutes.',
      passwordMissing: 'Type a new password.',
      passwordsDiffer: 'The passwords do not match. Type the same password in both fields.',
      errors: {
        WEAK_PASSWORD: `This password is too easy to guess. ${passwordRule.en}`,
        INVALID_TOKEN: 'This link is not valid or has already been used. To change your password, ask for a new link.',
        TOKEN_EXPIRED: 'This link has expired: it works for one hour. To change your password, ask for a new link.',
      },
    },
  },
  requestReset: {
    title: 'Reset your password',
    intro: 'Type the address you log in to Kabinet with, and we will send it a link to set a new password.',
    button: 'Send link',
    email: 'Email',
    action: {
      working: 'Sending…',
      success: 'If Kabinet has a login with the address {email}, an email with a link to set a new password is on its way. The link works for one hour.',
      unexpected: 'The link could not be sent: Kabinet is not answering right now. Please try again in a few minutes.',
      emailMissing: 'Type your email address.',
      errors: {
        RATE_LIMITED: 'Too many password-reset requests. Please try again later.',
      },
    },
  },
  paymentReturn: {
    title: 'Payment',
    message: 'The payment provider has sent you back to Kabinet. Whether the payment went through shows in the app, under Payments, as soon as the provider confirms it. For a payment made, the receipt also comes to your email.',
  },
  eReceipts: {
    title: enEReceipts,
    page: (utility) => ({
      title: enEReceipts,
      intro: `Confirm that bills for ${enUtilities[utility]} may be sent to this address.`,
      button: 'Confirm address',
      action: {
        working: 'Confirming your address…',
        success: `Done: new bills for ${enUtilities[utility]} will be sent to {email}.`,
        unexpected: 'Your address could not be confirmed: Kabinet is not answering right now. Please try again in a few minutes.',
        errors: {
          INVALID_TOKEN: 'This link is not valid or has already been used. If you have already confirmed your address, there is nothing more to do.',
          TOKEN_EXPIRED: 'This link has expired: it works for 48 hours. Subscribe to bills by email again in the Kabinet app.',
        },
      },
    }),
    unavailable: (utility) =>
      `Kabinet does not send bills for ${enUtilities[utility]} by email yet, so there is nothing to confirm here. If you received such an email, contact your supplier.`,
  },
};

export const texts: Record<Language, LanguageText> = { uk, en };
