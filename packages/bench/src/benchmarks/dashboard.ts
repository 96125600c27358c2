import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readManifest } from '@kabinet/clients';
import { repoRoot, type SubgraphName } from '@kabinet/config';
import type { DatabaseHandle } from '@kabinet/db';
import { electricityTables } from '@kabinet/electricity';
import { heatTables } from '@kabinet/heat';
import { seedHolderAccounts } from '@kabinet/utility-core/testing/holder-fixture';
import { sql } from 'drizzle-orm';
import type { Benchmark, Figure } from '../figure';
import { startBareHop } from '../bare-hop';
import { ensureHiveGateway, startHiveGateway } from '../hive';
import { autocannonRun, closedLoop, expectAnswer, interleaved, postGraphQL } from '../load';
import type { ServiceProcess } from '../processes';
import { startProductionStack, subgraphNames, type ProductionStack } from '../production-stack';
import { stagesOf, startRecorder, type RecordedFetch } from '../recorder';

/** Per-user traffic: this many logins, each with one account of each utility. */
const users = 100;
/** Requests whose CPU time is divided among them; enough that the 10 ms clock tick is noise. */
const cpuRequests = Number(process.env.BENCH_CPU_REQUESTS ?? 3000);
const loadSeconds = Number(process.env.BENCH_SECONDS ?? 10);
const loadConnections = 32;
/** The 100-account login measured again with this many years of bills, readings and payments before (`BENCH_DASHBOARD_HISTORY_YEARS`, 0 to skip). */
const historyYears = Number(process.env.BENCH_DASHBOARD_HISTORY_YEARS ?? 5);

const dashboardText = readFileSync(path.join(repoRoot, 'schema', 'operations', 'Dashboard.graphql'), 'utf8');
const dashboardId = readManifest('kabinet-web').operations.find((operation) => operation.name === 'Dashboard')!.id;
/** What Kabinet's web app sends: the Dashboard's id from its manifest (the production safelist). */
const kabinetBody = JSON.stringify({ operationName: 'Dashboard', extensions: { persistedQuery: { version: 1, sha256Hash: dashboardId } } });
const kabinetHeaders = { 'apollographql-client-name': 'kabinet-web', 'apollographql-client-version': '1.0.0' };
/** The peer knows no manifest of ours: it gets the text. */
const textBody = JSON.stringify({ operationName: 'Dashboard', query: dashboardText });

async function seedHolder(database: DatabaseHandle, accounts: number, label: string, yearsOfHistory = 0): Promise<string> {
  const userId = await seedHolderAccounts(database.db, electricityTables, { count: accounts, yearsOfHistory });
  await seedHolderAccounts(database.db, heatTables, { count: accounts, userId, yearsOfHistory });
  await database.db.execute(sql`insert into identity.users (id, email, display_name, password_hash, email_confirmed_at)
    values (${userId}, ${`bench-${label}@kabinet.test`}, 'Bench', 'not-a-password-hash', now())`);
  return userId;
}

/** CPU milliseconds per request each process spends while `work` runs `requests` requests. */
async function cpuPerRequest(processes: readonly ServiceProcess[], requests: number, work: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = processes.map((service) => service.cpuMs());
  await work();
  return Object.fromEntries(processes.map((service, index) => [service.name, (service.cpuMs() - before[index]!) / requests]));
}

const sum = (values: Record<string, number>, names: readonly string[]) => names.reduce((total, name) => total + (values[name] ?? 0), 0);

/** The same fetches a gateway made for one Dashboard, sent straight to the subgraphs stage by stage. */
async function replay(stages: readonly RecordedFetch[][]): Promise<boolean> {
  let ok = true;
  for (const stage of stages) {
    const answers = await Promise.all(stage.map((fetch) => postGraphQL(fetch.url, fetch.body, fetch.headers)));
    ok &&= answers.every(Boolean);
  }
  return ok;
}

export const dashboard: Benchmark = {
  name: 'dashboard',
  description: 'The Dashboard (DESIGN.md §6) against separate production processes on PostgreSQL: CPU per request, throughput, latency and scaling',
  async run() {
    const holders: Record<string, string[]> = { one: [], ten: [], hundred: [], aged: [] };
    const stack: ProductionStack = await startProductionStack({
      label: 'dashboard',
      seed: async (database) => {
        for (let index = 0; index < users; index += 1) holders.one!.push(await seedHolder(database, 1, `one-${index}`));
        holders.ten!.push(await seedHolder(database, 10, 'ten'));
        holders.hundred!.push(await seedHolder(database, 100, 'hundred'));
        if (historyYears > 0) holders.aged!.push(await seedHolder(database, 100, 'aged', historyYears));
      },
    });
    const figures: Figure[] = [];
    let hive: ServiceProcess | undefined;
    try {
      const perUser = await Promise.all(holders.one!.map(async (userId) => ({ authorization: `Bearer ${await stack.tokenFor(userId)}` })));
      const kabinetSets = perUser.map((auth) => ({ ...auth, ...kabinetHeaders }));
      const gatewayUrl = stack.gatewayUrl;
      await expectAnswer('the Dashboard through the gateway', gatewayUrl, kabinetBody, kabinetSets[0]!);

      if (ensureHiveGateway()) {
        hive = await startHiveGateway(stack.subgraphUrls, stack.gatewaySecret);
        await expectAnswer('the Dashboard through Hive Gateway', `${hive.origin}/graphql`, textBody, perUser[0]!);
      }
      const hiveUrl = hive ? `${hive.origin}/graphql` : undefined;

      // Warm-up: JIT, connection pools, query plans, token caches, on both gateways, as long and as
      // wide as the CPU measurement. After 600–1,000 requests, the next 3,000 still cost the gateway
      // and the subgraphs 20–30% more CPU each than any 3,000 after them (functions still being
      // optimized, the young generation still growing): that is start-up, not the steady state a
      // service spends its days in.
      const warm = (url: string, body: string, sets: readonly Record<string, string>[]) =>
        closedLoop({ connections: 16, total: cpuRequests, send: (index) => postGraphQL(url, body, sets[index % sets.length]!) });
      await warm(gatewayUrl, kabinetBody, kabinetSets);
      if (hiveUrl) await warm(hiveUrl, textBody, perUser);

      // 1. CPU per Dashboard: each process's CPU time over a fixed number of per-user requests.
      const subgraphProcesses = subgraphNames.map((name) => stack.subgraphs[name]);
      const measureCpu = (url: string, body: string, sets: readonly Record<string, string>[], gateway: ServiceProcess) =>
        cpuPerRequest([gateway, ...subgraphProcesses], cpuRequests, () =>
          closedLoop({ connections: 16, total: cpuRequests, send: (index) => postGraphQL(url, body, sets[index % sets.length]!) }),
        );
      const ours = await measureCpu(gatewayUrl, kabinetBody, kabinetSets, stack.gateway);
      const peers = hive && hiveUrl ? await measureCpu(hiveUrl, textBody, perUser, hive) : undefined;

      // The floor: a bare `{ __typename }` to each subgraph as many times as the Dashboard calls it.
      const recorder = await startRecorder(stack.subgraphUrls);
      // One worker, so that both Dashboards go through the same warmed process.
      const recordingGateway = await stack.startGateway({
        GATEWAY_WORKERS: '1',
        IDENTITY_URL: recorder.routes.identity,
        ELECTRICITY_URL: recorder.routes.electricity,
        HEAT_URL: recorder.routes.heat,
        PAYMENTS_URL: recorder.routes.payments,
      });
      const recordingUrl = `${recordingGateway.origin}/graphql`;
      await expectAnswer('the Dashboard through the recording gateway', recordingUrl, kabinetBody, kabinetSets[0]!);
      recorder.take();
      await expectAnswer('the Dashboard through the recording gateway', recordingUrl, kabinetBody, kabinetSets[0]!);
      // Only the Dashboard's own calls: the gateway also reads ended sessions from identity meanwhile.
      const oneDashboard = recorder.take().filter((fetch) => fetch.headers.authorization === kabinetSets[0]!.authorization);
      await recordingGateway.stop();
      await recorder.stop();
      const stages = stagesOf(oneDashboard);
      const bare = JSON.stringify({ query: '{ __typename }' });
      const floor = await cpuPerRequest(subgraphProcesses, cpuRequests, () =>
        closedLoop({
          connections: 16,
          total: cpuRequests,
          send: async (index) => {
            const headers = kabinetSets[index % kabinetSets.length]!;
            const answers = await Promise.all(
              oneDashboard.map((fetch) => postGraphQL(fetch.url, bare, { ...fetch.headers, authorization: headers.authorization! })),
            );
            return answers.every(Boolean);
          },
        }),
      );
      console.log(`  one Dashboard = ${oneDashboard.length} subgraph calls in ${stages.length === 1 ? 'one round' : `${stages.length} rounds, each after the last`}: ${stages.map((stage) => stage.map((fetch) => fetch.subgraph).join(' + ')).join(' → ')}`);

      figures.push({
        name: 'gateway CPU per Dashboard',
        value: ours.gateway!,
        unit: 'ms',
        ...(peers ? { baseline: { name: 'Hive Gateway', value: peers['hive-gateway']! } } : {}),
        goal: '≤ 1.5 ms',
      });
      figures.push({
        name: 'subgraph CPU per Dashboard (all four)',
        value: sum(ours, subgraphNames),
        unit: 'ms',
        baseline: { name: 'bare requests, one per subgraph call', value: sum(floor, subgraphNames) },
        goal: '≤ 4 ms',
      });
      for (const name of subgraphNames) figures.push({ name: `  ${name} CPU per Dashboard`, value: ours[name]!, unit: 'ms', baseline: { name: 'its bare requests', value: floor[name]! } });

      // 2. Throughput under per-user load, and the same request repeated, against the peer.
      const load = (url: string, body: string, headerSets: readonly Record<string, string>[]) =>
        autocannonRun({ url, body, headerSets, connections: loadConnections, seconds: loadSeconds });
      const oursLoad = await load(gatewayUrl, kabinetBody, kabinetSets);
      const peerLoad = hiveUrl ? await load(hiveUrl, textBody, perUser) : undefined;
      const oursRepeated = await load(gatewayUrl, kabinetBody, kabinetSets.slice(0, 1));
      const peerRepeated = hiveUrl ? await load(hiveUrl, textBody, perUser.slice(0, 1)) : undefined;
      const peer = (value: number | undefined) => (value === undefined ? {} : { baseline: { name: 'Hive Gateway', value } });
      figures.push({ name: `Dashboard throughput, ${users} users' tokens, ${loadConnections} connections`, value: oursLoad.rps, unit: 'req/s', ...peer(peerLoad?.rps), goal: '≥ 2× Hive' });
      figures.push({ name: '  p99 under that load', value: oursLoad.p99, unit: 'ms', ...peer(peerLoad?.p99) });
      figures.push({ name: 'the same Dashboard repeated (one token)', value: oursRepeated.rps, unit: 'req/s', ...peer(peerRepeated?.rps), goal: '≥ 1× Hive' });
      const failures = oursLoad.failures + oursRepeated.failures;
      if (failures > 0) console.log(`  ! ${failures} failed answers from Kabinet's gateway under load`);
      if (peerLoad && peerLoad.failures + (peerRepeated?.failures ?? 0) > 0) console.log(`  ! ${peerLoad.failures + (peerRepeated?.failures ?? 0)} failed answers from Hive Gateway under load`);

      // 3. Latency one request at a time: the gateway against the same calls made straight to the
      // subgraphs, request by request in turn; beside them, the same calls through a bare HTTP hop
      // (no GraphQL at all), the least any process in between costs on this machine, and the peer.
      const bareHop = await startBareHop(stages);
      try {
        const bareUrl = `${bareHop.origin}/graphql`;
        await expectAnswer('the Dashboard through the bare hop', bareUrl, kabinetBody, kabinetSets[0]!);
        await warm(bareUrl, kabinetBody, kabinetSets.slice(0, 1));
        const [through, direct, bare, peerLatency] = await interleaved({
          rounds: 500,
          targets: [
            () => postGraphQL(gatewayUrl, kabinetBody, kabinetSets[0]!),
            () => replay(stages),
            () => postGraphQL(bareUrl, kabinetBody, kabinetSets[0]!),
            ...(hiveUrl ? [() => postGraphQL(hiveUrl, textBody, perUser[0]!)] : []),
          ],
        });
        const straight = { name: 'the same calls straight to the subgraphs', value: direct!.p50 };
        figures.push({ name: 'Dashboard p50 through the gateway', value: through!.p50, unit: 'ms', baseline: straight, goal: '≤ 1.25×' });
        // The ratio also moves with the subgraphs and the plan (one round of calls against two); the
        // difference is what the gateway itself adds to a Dashboard.
        figures.push({ name: '  what the gateway adds (the two p50s apart)', value: through!.p50 - direct!.p50, unit: 'ms' });
        figures.push({ name: '  the same calls through a bare HTTP hop (bare-hop-server.mjs)', value: bare!.p50, unit: 'ms', baseline: straight });
        figures.push({ name: '  what the gateway adds over the bare hop', value: through!.p50 - bare!.p50, unit: 'ms' });
        if (peerLatency) figures.push({ name: '  through Hive Gateway', value: peerLatency.p50, unit: 'ms', baseline: straight });
      } finally {
        await bareHop.stop();
      }

      // 4. Scaling with the accounts a login holds: the three logins' Dashboards in turn.
      const dashboardOf = async (userId: string) => {
        const headers = { authorization: `Bearer ${await stack.tokenFor(userId)}`, ...kabinetHeaders };
        return () => postGraphQL(gatewayUrl, kabinetBody, headers);
      };
      // The aged login last: what the Dashboard reads must not grow with the months billed before.
      const scaling = await Promise.all([holders.one![0]!, holders.ten![0]!, holders.hundred![0]!, ...holders.aged!].map(dashboardOf));
      await interleaved({ rounds: 50, targets: scaling });
      const [single, ten, hundred, aged] = await interleaved({ rounds: 500, targets: scaling });
      const oneOfEach = { name: '1 account of each', value: single!.p50 };
      figures.push({ name: 'Dashboard p50, 10 accounts of each utility', value: ten!.p50, unit: 'ms', baseline: oneOfEach });
      figures.push({ name: 'Dashboard p50, 100 accounts of each utility', value: hundred!.p50, unit: 'ms', baseline: oneOfEach, goal: '≤ 3×' });
      if (aged) {
        figures.push({
          name: `Dashboard p50, 100 accounts of each utility after ${historyYears} years of bills, readings and payments`,
          value: aged.p50,
          unit: 'ms',
          baseline: { name: 'the same on new accounts', value: hundred!.p50 },
        });
      }
      return figures;
    } finally {
      await hive?.stop();
      await stack.stop();
    }
  },
};
