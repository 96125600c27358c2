import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deployables, outputOf } from '@kabinet/build';
import { defaultPorts, knownEnvVariables, loadConfig, repoRoot, subgraphNames } from '@kabinet/config';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs in CI: instead the compose file is checked against the code's real
// configuration, so that it cannot silently rot.

interface ComposeService {
  build?: { dockerfile?: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  expose?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, unknown>;
}

const compose = parse(readFileSync(path.join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const appServices = [...subgraphNames, 'gateway'] as const;

/** Resolves `${NAME:?msg}` / `${NAME:-default}` as docker compose would, with test values. */
function interpolate(environment: Record<string, string>, given: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environment).map(([key, value]) => [
      key,
      String(value).replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_all, name: string, kind?: string, fallback?: string) =>
        given[name] ?? (kind === '-' ? (fallback ?? '') : ''),
      ),
    ]),
  );
}

const secrets = {
  JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----test-----END PUBLIC KEY-----',
  JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----test-----END PRIVATE KEY-----',
  GATEWAY_SECRET: 'x'.repeat(40),
  LIQPAY_PUBLIC_KEY: 'i00000000001',
  LIQPAY_PRIVATE_KEY: 'a-merchant-key-from-liqpay',
};

describe('docker-compose.yml', () => {
  it('has postgres, redis, every subgraph and the gateway, each with a health check', () => {
    expect(Object.keys(services).sort()).toEqual(['electricity', 'gateway', 'heat', 'identity', 'payments', 'postgres', 'redis']);
    for (const service of Object.values(services)) expect(service.healthcheck?.test.length).toBeGreaterThan(0);
  });

  it.each(appServices)('%s runs the build of its own workspace package\'s entry, with plain node', (name) => {
    const service = services[name]!;
    expect(service.build?.dockerfile).toBe('Dockerfile');
    expect(existsSync(path.join(repoRoot, 'Dockerfile'))).toBe(true);
    // The image is built for the package the service names, and runs that package's build output.
    const deployable = deployables.find((candidate) => candidate.name === service.build?.args?.PACKAGE);
    expect(deployable?.dir).toBe(name === 'gateway' ? 'gateway' : `subgraphs/${name}`);
    expect(service.command).toEqual(['node', outputOf(deployable!, 'main')]);
    expect(existsSync(path.join(repoRoot, deployable!.dir, deployable!.entries.main!))).toBe(true);
    const packageJson = JSON.parse(readFileSync(path.join(repoRoot, deployable!.dir, 'package.json'), 'utf8'));
    expect(packageJson.name).toBe(deployable!.name);
    // The package's own `start` runs the same output.
    expect(path.posix.join(deployable!.dir, packageJson.scripts.start.replace(/^node /, ''))).toBe(outputOf(deployable!, 'main'));
  });

  it('builds the image from the deployable\'s build, on production dependencies only', () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('RUN pnpm build "$PACKAGE"');
    expect(dockerfile).toMatch(/pnpm install --frozen-lockfile --prod --filter-prod "\$\{PACKAGE\}\.\.\."/);
    expect(dockerfile).not.toContain('tsx');
    expect(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).toContain('"build": "node packages/build/src/cli.mjs"');
  });

  it.each(appServices)('%s listens on its port and its health check asks that port', (name) => {
    const service = services[name]!;
    const port = String(defaultPorts[name]);
    expect(service.environment?.PORT).toBe(port);
    expect([...(service.expose ?? []), ...(service.ports ?? []).map((mapping) => mapping.split(':').at(-1)!)]).toContain(port);
    expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${port}/`);
  });

  it.each(appServices)('%s gets only known variables, and they make a valid production config', (name) => {
    const environment = interpolate(services[name]!.environment ?? {}, secrets);
    for (const key of Object.keys(environment)) expect(knownEnvVariables).toContain(key);
    const config = loadConfig(environment);
    expect(config.production).toBe(true);
    expect(config.port).toBe(defaultPorts[name]);
    if (name !== 'gateway') {
      expect(config.database.url).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(services[name]!.depends_on).toHaveProperty('postgres');
    }
    if (name === 'identity') expect(config.auth.privateKeyPem).toBeTruthy();
  });

  it('lets identity\'s event relay reach the utility subgraphs, and every subgraph mail through the same SMTP', () => {
    const identity = loadConfig(interpolate(services.identity!.environment ?? {}, secrets));
    for (const name of ['electricity', 'heat'] as const) {
      expect(identity.gateway.subgraphUrls[name]).toBe(`http://${name}:${defaultPorts[name]}/graphql`);
    }
    const mail = (name: string) => loadConfig(interpolate(services[name]!.environment ?? {}, { ...secrets, SMTP_URL: 'smtp://mail:25' })).mail;
    for (const name of ['identity', 'electricity', 'heat']) expect(mail(name).smtpUrl).toBe('smtp://mail:25');
  });

  it('lets payments ask the utilities and the utilities answer it, and takes real LiqPay unless told otherwise', () => {
    const payments = loadConfig(interpolate(services.payments!.environment ?? {}, secrets));
    for (const name of ['electricity', 'heat'] as const) {
      expect(payments.gateway.subgraphUrls[name]).toBe(`http://${name}:${defaultPorts[name]}/graphql`);
      expect(loadConfig(interpolate(services[name]!.environment ?? {}, secrets)).gateway.subgraphUrls.payments).toBe('http://payments:4004/graphql');
    }
    expect(payments.payments.liqpay).toMatchObject({
      publicKey: 'i00000000001',
      privateKey: 'a-merchant-key-from-liqpay',
      checkoutUrl: 'https://www.liqpay.ua/api/3/checkout',
      apiUrl: 'https://www.liqpay.ua/api/request',
      sandboxMode: false,
    });
  });

  it('points the gateway at each subgraph service on its own port', () => {
    const config = loadConfig(interpolate(services.gateway!.environment ?? {}, secrets));
    for (const name of subgraphNames) {
      expect(config.gateway.subgraphUrls[name]).toBe(`http://${name}:${defaultPorts[name]}/graphql`);
      expect(services.gateway!.depends_on).toHaveProperty(name);
    }
  });
});
