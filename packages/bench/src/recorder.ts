import { createServer, type Server } from 'node:http';
import type { SubgraphName } from '@kabinet/config';
import { request } from 'undici';
import { loadAgent } from './load';

/** One call a gateway made to a subgraph, as sent, and when (relative to the others). */
export interface RecordedFetch {
  subgraph: SubgraphName;
  url: string;
  body: string;
  headers: Record<string, string>;
  startedAt: number;
  endedAt: number;
}

/** The headers a subgraph call carries that the subgraph reads (no hop-by-hop ones). */
const keptHeaders = new Set(['authorization', 'content-type', 'accept-language', 'x-kabinet-gateway-secret', 'x-kabinet-client-ip', 'x-kabinet-cost']);

/**
 * Pass-through proxies in front of the subgraphs that write down what a gateway sends them:
 * what "the same operation sent straight to the subgraphs" replays.
 */
export async function startRecorder(subgraphUrls: Record<SubgraphName, string>) {
  const fetches: RecordedFetch[] = [];
  const servers: Server[] = [];
  const routes = {} as Record<SubgraphName, string>;
  for (const [name, url] of Object.entries(subgraphUrls) as [SubgraphName, string][]) {
    const server = createServer(async (incoming, outgoing) => {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString();
      const headers = Object.fromEntries(Object.entries(incoming.headers).filter(([key]) => keptHeaders.has(key))) as Record<string, string>;
      const startedAt = performance.now();
      const answer = await request(url, { method: 'POST', body, headers, dispatcher: loadAgent });
      const text = await answer.body.text();
      fetches.push({ subgraph: name, url, body, headers, startedAt, endedAt: performance.now() });
      outgoing.writeHead(answer.statusCode, { 'content-type': 'application/json' }).end(text);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    routes[name] = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  }
  return {
    routes,
    /** What was recorded since the last call, then forgotten. */
    take: () => fetches.splice(0),
    stop: () => Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))),
  };
}

/**
 * The fetches grouped into the stages a query plan runs them in: a fetch started after another
 * ended may depend on it, so it goes in a later stage; fetches of one stage run in parallel.
 */
export function stagesOf(fetches: readonly RecordedFetch[]): RecordedFetch[][] {
  const sorted = [...fetches].sort((a, b) => a.startedAt - b.startedAt);
  const stageOf = new Map<RecordedFetch, number>();
  for (const fetch of sorted) {
    const before = sorted.filter((other) => other.endedAt <= fetch.startedAt).map((other) => stageOf.get(other)!);
    stageOf.set(fetch, before.length === 0 ? 0 : Math.max(...before) + 1);
  }
  const stages: RecordedFetch[][] = [];
  for (const [fetch, stage] of stageOf) (stages[stage] ??= []).push(fetch);
  return stages;
}
