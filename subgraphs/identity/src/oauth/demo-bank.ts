import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { demoPartner } from '@kabinet/demo';

/*
 * Demo Bank, the partner of the demo data, as a tiny app on its redirect URI: with `pnpm start`
 * running, `corepack pnpm --filter @kabinet/identity demo:bank` prints a link; open it, log in as a
 * demo customer and allow. The bank then reads the customer's accounts every few seconds and says
 * so the moment the customer revokes it (`revokeAppAuthorization(clientId: "demo-bank")`).
 */

const kabinet = (process.env.PUBLIC_URL ?? 'http://localhost:4000').replace(/\/+$/, '');
const callback = new URL(demoPartner.redirectUri);
const verifier = randomBytes(32).toString('base64url');
const state = randomBytes(8).toString('hex');

const authorize = new URL(`${kabinet}/oauth/auth`);
for (const [name, value] of Object.entries({
  client_id: demoPartner.clientId,
  response_type: 'code',
  redirect_uri: demoPartner.redirectUri,
  scope: 'accounts:read readings:write payments:write',
  state,
  code_challenge: createHash('sha256').update(verifier).digest('base64url'),
  code_challenge_method: 'S256',
})) {
  authorize.searchParams.set(name, value);
}

const ACCOUNTS = `{ me { electricityAccounts { accountNumber balance { amount currency } } heatAccounts { accountNumber balance { amount currency } } } }`;

async function token(params: Record<string, string>) {
  const response = await fetch(`${kabinet}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: demoPartner.clientId, ...params }),
  });
  return (await response.json()) as { access_token?: string; refresh_token?: string; error?: string; error_description?: string };
}

async function readAccounts(accessToken: string) {
  const response = await fetch(`${kabinet}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ query: ACCOUNTS }),
  });
  return (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** Reads the accounts every 5 s, refreshing the token as it goes, until Kabinet says no. */
async function watch(tokens: { access_token?: string; refresh_token?: string }) {
  let { access_token: accessToken, refresh_token: refreshToken } = tokens;
  for (;;) {
    const answer = await readAccounts(accessToken!);
    if (answer.errors?.length) {
      const [error] = answer.errors;
      console.log(`Demo Bank lost access: ${error!.extensions?.code} ${error!.extensions?.reason ?? ''} (${error!.message})`);
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: refreshToken! });
      console.log(refreshed.access_token ? 'a refresh still worked (unexpected)' : `refresh refused: ${refreshed.error}`);
      process.exit(0);
    }
    console.log(`Demo Bank sees: ${JSON.stringify(answer.data)}`);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const next = await token({ grant_type: 'refresh_token', refresh_token: refreshToken! });
    if (next.access_token) ({ access_token: accessToken, refresh_token: refreshToken } = next);
  }
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', callback);
  if (url.pathname !== callback.pathname) {
    res.writeHead(404).end();
    return;
  }
  if (url.searchParams.get('state') !== state) {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Demo Bank: unexpected state');
    return;
  }
  const error = url.searchParams.get('error');
  if (error) {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`Demo Bank: not connected (${error}).`);
    console.log(`The customer said no: ${error}`);
    server.close();
    return;
  }
  const tokens = await token({ grant_type: 'authorization_code', code: url.searchParams.get('code') ?? '', redirect_uri: demoPartner.redirectUri, code_verifier: verifier });
  if (!tokens.access_token) {
    res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end(`Demo Bank: no token (${tokens.error}: ${tokens.error_description})`);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Demo Bank is connected to your Kabinet. You can close this tab.');
  server.close();
  await watch(tokens);
});

server.listen(Number(callback.port), callback.hostname, () => {
  console.log(`Demo Bank listens on ${demoPartner.redirectUri}. Open this link in a browser and log in as a demo customer:\n\n  ${authorize}\n`);
});
