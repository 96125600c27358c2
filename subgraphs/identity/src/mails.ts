import type { MailMessage } from '@kabinet/mail';

export function confirmationMail(to: string, displayName: string, link: string): MailMessage {
  return {
    to,
    subject: 'Kabinet: confirm your email / підтвердіть адресу',
    text: `${displayName}, confirm this email address for your Kabinet login:\n\n${link}\n\nПідтвердіть адресу для входу в Kabinet за посиланням вище.\nThe link works once, within 48 hours. If you did not ask for it, ignore this message.\n`,
  };
}

export function passwordResetMail(to: string, displayName: string, link: string): MailMessage {
  return {
    to,
    subject: 'Kabinet: reset your password / відновлення пароля',
    text: `${displayName}, set a new password for your Kabinet login:\n\n${link}\n\nЩоб встановити новий пароль, перейдіть за посиланням вище.\nThe link works once, within 1 hour. If you did not ask for it, ignore this message: your password stays as it is.\n`,
  };
}

/** To the owner of an address someone tried to register again; it carries no link that changes anything. */
export function registrationAttemptMail(to: string, displayName: string, login: { deactivated: boolean; resetPageUrl: string }): MailMessage {
  const advice = login.deactivated
    ? `Вхід із цією адресою раніше деактивовано, тому новий не створено.\nЯкщо це були ви і хочете знову користуватися Kabinet, зверніться до служби підтримки.`
    : `У вас уже є вхід із цією адресою, тому новий не створено, а ваш пароль не змінився.\nЯкщо це були ви, просто увійдіть зі своїм паролем. Забули пароль? Відновіть його тут:\n\n${login.resetPageUrl}`;
  return {
    to,
    subject: 'Kabinet: спроба реєстрації з вашою адресою',
    text: `${displayName}, хтось намагався зареєструватися в Kabinet з адресою ${to}.\n\n${advice}\n\nЯкщо це були не ви, нічого робити не треба: у вашому вході нічого не змінилося.\n`,
  };
}

/** To the owner of an address another login asked to move to: nothing changes, and they are told so. */
export function addressClaimMail(to: string, displayName: string): MailMessage {
  return {
    to,
    subject: 'Kabinet: спроба використати вашу адресу',
    text:
      `${displayName}, хтось в іншому вході до Kabinet вказав вашу адресу ${to} як свою нову.\n\n` +
      `Ваша адреса й далі належить вашому входу: іншому її не передано, і нічого робити не треба.\n`,
  };
}

export function deactivationMail(to: string, displayName: string): MailMessage {
  return {
    to,
    subject: 'Kabinet: ваш вхід деактивовано',
    text:
      `${displayName}, ваш вхід до Kabinet (${to}) деактивовано. Увійти з ним більше не можна, усі сеанси завершено.\n\n` +
      `Усі особові рахунки, підключені до цього входу, звільнено: їх можна знову підключити до іншого входу, підтвердивши, що вони ваші.\n\n` +
      `Якщо це зробили не ви, негайно зверніться до служби підтримки Kabinet: деактивувати вхід можна лише з чинним паролем, тож його знає хтось інший. ` +
      `Змініть цей пароль усюди, де ви його використовували.\n`,
  };
}

/**
 * To the login's address after its password changed (by the owner, or through a reset link): the
 * owner hears of a change they did not make while their mailbox still gets the reset links.
 */
export function passwordChangedMail(to: string, displayName: string, resetPageUrl: string): MailMessage {
  return {
    to,
    subject: 'Kabinet: пароль змінено',
    text:
      `${displayName}, пароль вашого входу до Kabinet (${to}) щойно змінено. Усі інші сеанси завершено.\n\n` +
      `Якщо це зробили ви, нічого робити не треба.\n\n` +
      `Якщо ні, негайно встановіть новий пароль тут (посилання надійде на цю адресу):\n\n${resetPageUrl}\n`,
  };
}

/**
 * To the address a login used until now, once its new one is confirmed: from now on reset links
 * go to the new address, so the old one is the owner's last chance to hear of a change they did
 * not make. It names the new address, for the owner to tell support.
 */
export function addressChangedMail(to: string, displayName: string, newAddress: string): MailMessage {
  return {
    to,
    subject: 'Kabinet: адресу входу змінено',
    text:
      `${displayName}, адресу вашого входу до Kabinet змінено з ${to} на ${newAddress}. ` +
      `Відтепер входити треба з новою адресою, і листи Kabinet надходитимуть на неї.\n\n` +
      `Якщо це зробили ви, нічого робити не треба.\n\n` +
      `Якщо ні, негайно зверніться до служби підтримки Kabinet: змінити адресу можна лише з чинного сеансу, тож вашим входом користується хтось інший.\n`,
  };
}
