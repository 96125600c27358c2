import { subgraphSecret, gatewaySecretHeader } from '@kabinet/auth';
import { readManifest } from '@kabinet/clients';
import { rowsOf, type DatabaseHandle } from '@kabinet/db';
import { electricityTables } from '@kabinet/electricity';
import { seedHolderAccounts } from '@kabinet/utility-core/testing/holder-fixture';
import { and, count, countDistinct, eq, inArray, like, sql } from 'drizzle-orm';
import type { Benchmark, Figure } from '../figure';
import { closedLoop, expectAnswer, openLoop, postGraphQL } from '../load';
import { serverCpuMsOf } from '../processes';
import { benchServerUrl, startProductionStack } from '../production-stack';

/**
 * The end of a month: every household at once. First 64 callers as fast as they are answered (the
 * throughput), then households arriving at a steady `rate` a second (the latency a household sees
 * at that rate: a closed loop of 64 cannot show p99 ≤ 100 ms below 640/s). Each account submits once.
 */
const connections = 64;
const rate = Number(process.env.BENCH_READING_RATE ?? 300);
const holders = Number(process.env.BENCH_READING_HOLDERS ?? 400);
const accountsEach = 10;
/**
 * Years of monthly readings, bills and payments each account has before the burst
 * (`BENCH_READING_HISTORY_YEARS`, default 0: the goal is judged on new accounts): what a
 * submission reads of its account must not grow with them.
 */
const historyYears = Number(process.env.BENCH_READING_HISTORY_YEARS ?? 0);
const value = '300.000';

const submission = readManifest('kabinet-web').operations.find((operation) => operation.name === 'SubmitElectricityReadings')!;

interface Submitter {
  userId: string;
  accountId: string;
  meterId: string;
}

/** Accounts of the first electricity supplier, whose reading window is opened wide so that today is inside it. */
async function seedSubmitters(database: DatabaseHandle): Promise<Submitter[]> {
  for (let index = 0; index < holders; index += 1) {
    const userId = await seedHolderAccounts(database.db, electricityTables, { count: accountsEach, yearsOfHistory: historyYears });
    await database.db.execute(sql`insert into identity.users (id, email, display_name, password_hash, email_confirmed_at)
      values (${userId}, ${`burst-${index}@kabinet.test`}, 'Bench', 'not-a-password-hash', now())`);
  }
  await database.db.execute(sql`update electricity.suppliers set reading_window_opens_from = 'NEXT_MONTH_START', reading_window_opens_day = -27, reading_window_closes_day = 27`);
  const { accounts, meters } = electricityTables;
  const rows = await database.db
    .select({ userId: accounts.holderUserId, accountId: accounts.id, meterId: meters.id })
    .from(accounts)
    .innerJoin(meters, eq(meters.accountId, accounts.id))
    .where(like(accounts.accountNumber, 'T-%'))
    .orderBy(accounts.id);
  return rows.map((row) => ({ userId: row.userId!, accountId: row.accountId, meterId: row.meterId }));
}

/** The benchmark's PostgreSQL runs on this machine: its backends' CPU can be read from /proc. */
const localServer = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(benchServerUrl).hostname);

/** CPU the benchmark's PostgreSQL server has spent so far: every service's pool, and the writers that flush what they wrote. */
async function serverCpuMs(database: DatabaseHandle): Promise<number> {
  const [backend] = rowsOf<{ pid: number }>(await database.db.execute(sql`select pg_backend_pid() as pid`));
  return serverCpuMsOf(backend!.pid);
}

const variablesOf = (submitter: Submitter) => ({ input: { accountId: submitter.accountId, readings: [{ meterId: submitter.meterId, zone: 'SINGLE', value }] } });

export const readings: Benchmark = {
  name: 'readings',
  description: `End-of-month burst: households submit an electricity reading each, ${connections} at once and then ${rate} a second, through the gateway and straight to the subgraph${historyYears ? `, on accounts with ${historyYears} years of history` : ''}`,
  async run() {
    let submitters: Submitter[] = [];
    const stack = await startProductionStack({
      label: 'readings',
      // Extra Node options for every service, e.g. a preload that profiles it (Node refuses --cpu-prof there).
      env: process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {},
      seed: async (database) => {
        submitters = await seedSubmitters(database);
      },
    });
    try {
      const tokens = new Map<string, string>();
      for (const submitter of submitters) if (!tokens.has(submitter.userId)) tokens.set(submitter.userId, await stack.tokenFor(submitter.userId));
      // Each submitter once: a tenth to warm up (a process' first thousand requests run code not yet
      // optimised), then a quarter of the rest for each loop, through the gateway and straight.
      const warmUp = submitters.slice(0, Math.floor(submitters.length / 10));
      const measuredSubmitters = submitters.slice(warmUp.length);
      const quarter = Math.floor(measuredSubmitters.length / 4);
      const [throughGateway, straight, steadyThroughGateway, steadyStraight] = [0, 1, 2, 3].map((part) => measuredSubmitters.slice(part * quarter, (part + 1) * quarter)) as [Submitter[], Submitter[], Submitter[], Submitter[]];
      const gatewayRequest = (submitter: Submitter): { body: string; headers: Record<string, string> } => ({
        body: JSON.stringify({ operationName: submission.name, variables: variablesOf(submitter), extensions: { persistedQuery: { version: 1, sha256Hash: submission.id } } }),
        headers: { authorization: `Bearer ${tokens.get(submitter.userId)}`, 'apollographql-client-name': 'kabinet-web' },
      });
      const subgraphUrl = stack.subgraphUrls.electricity;
      const subgraphRequest = (submitter: Submitter) => ({
        body: JSON.stringify({ query: submission.body, variables: variablesOf(submitter) }),
        headers: { authorization: `Bearer ${tokens.get(submitter.userId)}`, [gatewaySecretHeader]: subgraphSecret(stack.gatewaySecret, 'electricity') },
      });
      // One of each first, answered without errors, so that what follows measures work, not refusals.
      const first = gatewayRequest(throughGateway.shift()!);
      await expectAnswer('a reading through the gateway', stack.gatewayUrl, first.body, first.headers);
      const firstStraight = subgraphRequest(straight.shift()!);
      await expectAnswer('a reading straight to the subgraph', subgraphUrl, firstStraight.body, firstStraight.headers);

      // CPU per submission of the gateway, the electricity subgraph and PostgreSQL: where the time goes, whatever else shares the machine.
      const measured = [
        { name: 'gateway', cpuMs: async () => stack.gateway.cpuMs() },
        { name: 'electricity', cpuMs: async () => stack.subgraphs.electricity.cpuMs() },
        ...(localServer ? [{ name: 'PostgreSQL', cpuMs: () => serverCpuMs(stack.database) }] : []),
      ];
      /** Submissions answered with anything but a stored reading: the app sends each again once, as a person would. */
      const failed: { submitter: Submitter; url: string; build: typeof gatewayRequest }[] = [];
      const send = async (submitter: Submitter, url: string, build: typeof gatewayRequest) => {
        const { body, headers } = build(submitter);
        return postGraphQL(url, body, headers).catch(() => false);
      };
      const burst = async (what: string, batch: readonly Submitter[], url: string, build: typeof gatewayRequest, loop: 'closed' | 'open') => {
        const cpuBefore = await Promise.all(measured.map((service) => service.cpuMs()));
        const sendOne = async (index: number) => {
          const ok = await send(batch[index]!, url, build);
          if (!ok) failed.push({ submitter: batch[index]!, url, build });
          return ok;
        };
        const result = loop === 'closed' ? await closedLoop({ connections, total: batch.length, send: sendOne }) : await openLoop({ rate, total: batch.length, send: sendOne });
        const cpuAfter = await Promise.all(measured.map((service) => service.cpuMs()));
        const cpu = measured.map((service, index) => `${service.name} ${((cpuAfter[index]! - cpuBefore[index]!) / batch.length).toFixed(1)} ms`);
        console.log(`  ${what}: ${result.rps.toFixed(1)}/s, p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms; CPU per submission: ${cpu.join(', ')}`);
        return result;
      };
      const warmUpHalf = Math.floor(warmUp.length / 2);
      await burst('warming up, through the gateway', warmUp.slice(0, warmUpHalf), stack.gatewayUrl, gatewayRequest, 'closed');
      await burst('warming up, straight to the subgraph', warmUp.slice(warmUpHalf), subgraphUrl, subgraphRequest, 'closed');
      const viaGateway = await burst(`${connections} at once, through the gateway`, throughGateway, stack.gatewayUrl, gatewayRequest, 'closed');
      const direct = await burst(`${connections} at once, straight to the subgraph`, straight, subgraphUrl, subgraphRequest, 'closed');
      const steadyViaGateway = await burst(`${rate}/s, through the gateway`, steadyThroughGateway, stack.gatewayUrl, gatewayRequest, 'open');
      const steadyDirect = await burst(`${rate}/s, straight to the subgraph`, steadyStraight, subgraphUrl, subgraphRequest, 'open');

      const { readings: readingRows } = electricityTables;
      const storedOf = async (meterIds: string[]) =>
        meterIds.length === 0
          ? { readings: 0, meters: 0 }
          : (await stack.database.db
              .select({ readings: count(), meters: countDistinct(readingRows.meterId) })
              .from(readingRows)
              .where(and(eq(readingRows.value, value), inArray(readingRows.meterId, meterIds))))[0]!;
      // A failure the subgraph stored anyway (the gateway stopped waiting) must not become a second reading when sent again.
      const storedAnyway = (await storedOf(failed.map(({ submitter }) => submitter.meterId))).meters;
      const retries = await closedLoop({ connections: 8, total: failed.length, send: (index) => send(failed[index]!.submitter, failed[index]!.url, failed[index]!.build) });
      if (failed.length > 0) {
        const gatewayFailures = failed.filter(({ url }) => url === stack.gatewayUrl).length;
        const directFailures = failed.length - gatewayFailures;
        console.log(`  ! ${gatewayFailures} failed through the gateway, ${directFailures} straight (${storedAnyway} of them stored all the same); sent again: ${retries.failures} failed again`);
      }

      // None lost, none twice: after one retry of each failure, every submission is one stored reading of that value.
      const stored = await storedOf(submitters.map((submitter) => submitter.meterId));
      const lost = submitters.length - stored.meters;
      const twice = stored.readings - stored.meters;
      console.log(`  ${submitters.length} submitted, stored ${stored.readings} (on ${stored.meters} meters): ${lost} lost, ${twice} stored twice`);

      const figures: Figure[] = [
        { name: `reading burst through the gateway, ${connections} at once`, value: viaGateway.rps, unit: 'readings/s', baseline: { name: 'straight to the subgraph', value: direct.rps }, goal: '≥ 300/s' },
        { name: `  p99 with ${rate} households a second arriving`, value: steadyViaGateway.p99, unit: 'ms', baseline: { name: 'straight to the subgraph', value: steadyDirect.p99 }, goal: '≤ 100 ms' },
        { name: '  readings lost or stored twice (each failure sent again once)', value: lost + twice, unit: '', goal: '0' },
      ];
      return figures;
    } finally {
      await stack.stop();
    }
  },
};
