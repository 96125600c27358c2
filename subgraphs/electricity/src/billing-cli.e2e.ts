import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLogger, loadConfig, repoRoot } from '@kabinet/config';
import { openDatabase } from '@kabinet/db';
import { startStack } from '@kabinet/stack';
import { addMonths, dayIn, heatWindowRule, localDateIn, monthIn, periodOf, readingWindowOf } from '@kabinet/utility-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tables from './db/schema';

// The billing command as an operator or a scheduler runs it: its own process, on the configured
// database (here an embedded one under a temporary DATA_DIR, seeded by a first start).
const dataDir = mkdtempSync(path.join(tmpdir(), 'kabinet-billing-cli-'));
const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'development' };
delete env.DATABASE_URL;

async function billing(...args: string[]) {
  return billingOf('@kabinet/electricity', ...args);
}

async function billingOf(utility: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)('corepack', ['pnpm', '-s', '--filter', utility, 'billing', ...args], {
      cwd: repoRoot,
      env,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

async function billCount(): Promise<number> {
  const database = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
  try {
    const [row] = await database.db.select({ count: sql<number>`count(*)::int` }).from(tables.bills);
    return row!.count;
  } finally {
    await database.close();
  }
}

// Kyiv-energo takes readings on days 1 to 5: the latest month it can bill today.
const today = localDateIn(new Date(), 'Europe/Kyiv');
let closed = addMonths(periodOf(today), -1);
if (readingWindowOf(closed, { opensDay: 0, closesDay: 4 }).closesOn >= today) closed = addMonths(closed, -1);
const open = addMonths(closed, 1);

describe('billing command', () => {
  beforeAll(async () => {
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', NODE_ENV: 'development', JOBS_INTERVAL_SECONDS: '0' });
    const stack = await startStack({ config, ports: 'ephemeral', host: '127.0.0.1', seedDemo: true, logger: createLogger('silent') });
    await stack.stop();
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('bills nothing twice: the demo\'s last closed month again issues no bill', async () => {
    const before = await billCount();
    const result = await billing('--supplier', 'kyiv-energo', '--period', closed);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`Київські енергетичні послуги, ${closed}:`);
    // Its progress, as a plain line (no terminal here): every account of the month was billed before it started.
    expect(result.output).toContain('[████████████████████████] 100%  2 of 2 accounts, 0 failed\n');
    expect(await billCount()).toBe(before);
  }, 60_000);

  it('refuses a month whose reading window has not closed, and says until when it is open', async () => {
    const result = await billing('--supplier', 'kyiv-energo', '--period', open);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`Readings for ${monthIn('en', open)} are taken until ${dayIn('en', readingWindowOf(open, { opensDay: 0, closesDay: 4 }).closesOn)}`);
  }, 60_000);

  it('runs heat\'s billing the same way, for a heat supplier\'s last closed month', async () => {
    // Kyiv's heat supplier takes readings in the last week through the 1st.
    let heatClosed = addMonths(periodOf(today), -1);
    if (readingWindowOf(heatClosed, heatWindowRule).closesOn >= today) heatClosed = addMonths(heatClosed, -1);
    const result = await billingOf('@kabinet/heat', '--supplier', 'kyiv-teplo', '--period', heatClosed);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`Київтеплоенерго, ${heatClosed}:`);
    expect(result.output).toContain('0 accounts not billed');
  }, 60_000);

  it('explains itself without arguments and refuses an unknown supplier', async () => {
    const help = await billing();
    expect(help.code).toBe(2);
    expect(help.output).toContain('--supplier <code> --period <YYYY-MM>');
    const unknown = await billing('--supplier', 'nope', '--period', closed);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('no electricity supplier with the code nope');
  }, 60_000);

  it('refuses a batch size that is not a whole number of accounts, and explains its options', async () => {
    const badBatch = await billing('--supplier', 'kyiv-energo', '--period', closed, '--batch-size', '0');
    expect(badBatch.code).toBe(2);
    expect(badBatch.output).toContain('[--batch-size <accounts>] [--concurrency <batches at once>]');
  }, 60_000);
});
