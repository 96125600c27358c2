// The least any gateway in a process of its own does for a Dashboard, and no more: node:http in,
// undici out on kept-alive connections (as Kabinet's gateway), the calls a gateway made for one
// Dashboard (BARE_HOP_CALLS, stage by stage), every answer parsed and merged, the merge written
// back. No GraphQL, no token, no plan: what is left between it and the subgraphs is the hop itself
// (two more loopback writes, another process to wake and schedule on a busy machine). Plain
// JavaScript, so that nothing but this runs per request. Started by bare-hop.ts.
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

/** @type {{ url: string; body: string; headers: Record<string, string> }[][]} */
const stages = JSON.parse(process.env.BARE_HOP_CALLS ?? '[]');
const agent = new Agent({ keepAliveTimeout: 30_000 });

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `from`'s fields into `into`, objects merged field by field (two subgraphs' parts of `me`). */
function merge(into, from) {
  for (const [key, value] of Object.entries(from)) into[key] = isObject(value) && isObject(into[key]) ? merge(into[key], value) : value;
  return into;
}

async function answer(body) {
  JSON.parse(body);
  const data = {};
  const errors = [];
  for (const stage of stages) {
    const answers = await Promise.all(
      stage.map(async (call) => {
        const response = await request(call.url, { method: 'POST', body: call.body, headers: call.headers, dispatcher: agent });
        return JSON.parse(await response.body.text());
      }),
    );
    for (const answer of answers) {
      if (isObject(answer.data)) merge(data, answer.data);
      // Passed on, so that the benchmark counts a failed answer here as it does through the gateway.
      if (Array.isArray(answer.errors)) errors.push(...answer.errors);
    }
  }
  return JSON.stringify(errors.length > 0 ? { data, errors } : { data });
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200).end('ready');
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    answer(Buffer.concat(chunks).toString('utf8')).then(
      (text) => res.writeHead(200, { 'content-type': 'application/json' }).end(text),
      (error) => res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(error) }] })),
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
