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
