import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMailer } from './index';

describe('mailer without SMTP', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kabinet-mail-'));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes each message as one .eml file and logs where', async () => {
    const log = vi.fn();
    const mailer = createMailer({ smtpUrl: undefined, from: 'Kabinet <no-reply@kabinet.dev>', dataDir, log });
    await mailer.send({ to: 'olena@example.com', subject: 'Підтвердіть адресу', text: 'Посилання: https://x/confirm' });
    await mailer.send({ to: 'petro@example.com', subject: 'Second', text: 'two' });
    const files = readdirSync(path.join(dataDir, 'mail'));
    expect(files).toHaveLength(2);
    const first = readFileSync(path.join(dataDir, 'mail', files.sort()[0]!), 'utf8');
    expect(first).toContain('To: olena@example.com');
    expect(first).toContain('From: Kabinet <no-reply@kabinet.dev>');
    expect(log).toHaveBeenCalledWith('mail written to file', expect.objectContaining({ file: expect.stringMatching(/\.eml$/) }));
  });
});
