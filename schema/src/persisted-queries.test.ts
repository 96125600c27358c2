import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildManifest, manifestFile, manifestText, readManifest, registeredClients } from './persisted-queries';

const clients = registeredClients();
const dashboard = readFileSync(new URL('../operations/Dashboard.graphql', import.meta.url), 'utf8');

describe('persisted query manifests', () => {
  it.each(clients.map((client) => [client.name, client] as const))('%s: checked in up to date (run `pnpm pq:manifests`)', async (_name, client) => {
    expect(readFileSync(manifestFile(client.name), 'utf8')).toBe(manifestText(await buildManifest(client)));
  });

  it.each(clients.map((client) => client.name))("%s: each id is the sha256 of the operation's body, once", (name) => {
    const manifest = readManifest(name);
    expect(manifest).toMatchObject({ format: 'apollo-persisted-query-manifest', version: 1 });
    for (const operation of manifest.operations) expect(operation.id).toBe(createHash('sha256').update(operation.body).digest('hex'));
    expect(new Set(manifest.operations.map((operation) => operation.name)).size).toBe(manifest.operations.length);
  });

  it('has the Dashboard, as clients send it, in every manifest', () => {
    for (const client of clients) {
      const operation = readManifest(client.name).operations.find((candidate) => candidate.name === 'Dashboard');
      expect(operation?.body, client.name).toBe(print(parse(dashboard)));
    }
  });

  it('has a web app and Demo Bank, a partner', () => {
    expect(clients.map(({ name, kind }) => `${name}:${kind}`)).toEqual(['kabinet-web:first-party', 'kabinet-mobile:first-party', 'demo-bank:partner']);
    expect(readManifest('demo-bank').operations.map((operation) => operation.name)).toEqual([
      'Dashboard',
      'Meters',
      'PayBills',
      'PaymentStatus',
      'RateLimit',
      'SubmitElectricityReading',
      'SubmitHeatReading',
    ]);
  });
});
