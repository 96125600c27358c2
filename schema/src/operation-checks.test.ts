import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '@kabinet/config';
import { Kind, visit, type DocumentNode } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { composeSupergraph, subgraphSdls, supergraphFile } from './index';
import { checkOperations, describeCheck } from './operation-checks';
import { readManifest, registeredClients } from './persisted-queries';

const approved = readFileSync(supergraphFile, 'utf8');
const clients = registeredClients().map((client) => ({ client, manifest: readManifest(client.name) }));

/** Every subgraph's SDL with `type.field` taken out, as a developer would delete it. */
function withoutField(type: string, field: string) {
  const drop = (document: DocumentNode) =>
    visit(document, {
      FieldDefinition: (node, _key, _parent, _path, ancestors) => {
        const owner = ancestors.at(-1) as { kind?: Kind; name?: { value: string } } | undefined;
        const ownerKinds = [Kind.OBJECT_TYPE_DEFINITION, Kind.OBJECT_TYPE_EXTENSION];
        return node.name.value === field && owner?.kind && ownerKinds.includes(owner.kind) && owner.name?.value === type ? null : undefined;
      },
    });
  const subgraphs = subgraphSdls().map((subgraph) => ({ ...subgraph, typeDefs: drop(subgraph.typeDefs) }));
  const { supergraphSdl, errors } = composeSupergraph(subgraphs);
  expect(errors).toEqual([]);
  expect(supergraphSdl).not.toBe(approved);
  return supergraphSdl!;
}

describe('operation checks', () => {
  it('pass for the checked-in schema and manifests', async () => {
    const check = await checkOperations({ baseSupergraphSdl: approved, newSupergraphSdl: approved, clients });
    expect(check).toMatchObject({ ok: true, invalid: [], breaking: [] });
  });

  it('let a field no registered operation uses be removed', async () => {
    const check = await checkOperations({ baseSupergraphSdl: approved, newSupergraphSdl: withoutField('Query', 'electricityAccountByNumber'), clients });
    expect(check.ok).toBe(true);
    expect(check.safe).toContainEqual(expect.stringMatching(/'electricityAccountByNumber' .*was removed.*non-breaking based on usage/));
  });

  it('fail when a field a partner uses is removed, naming the partner and its operation', async () => {
    const check = await checkOperations({ baseSupergraphSdl: approved, newSupergraphSdl: withoutField('Checkout', 'receiptUrl'), clients });
    expect(check.ok).toBe(false);
    expect(check.breaking).toEqual([
      expect.objectContaining({
        path: 'Checkout.receiptUrl',
        usedBy: expect.arrayContaining([
          { client: 'demo-bank', clientTitle: 'Demo Bank', operation: 'PaymentStatus' },
          { client: 'kabinet-web', clientTitle: 'Kabinet web app', operation: 'Checkout' },
        ]),
      }),
    ]);
    expect(check.invalid.map(({ client, operation }) => `${client} ${operation}`).sort()).toEqual([
      'demo-bank PaymentStatus',
      'kabinet-mobile Checkout',
      'kabinet-mobile Payments',
      'kabinet-web Checkout',
      'kabinet-web Payments',
    ]);
    expect(describeCheck(check)[0]).toMatch(/^BREAKING .*receiptUrl.* breaks .*Demo Bank \(demo-bank\) PaymentStatus/);
  });

  it('fail when an input a partner sends changes under it', async () => {
    const check = await checkOperations({ baseSupergraphSdl: approved, newSupergraphSdl: approved.replace(/(input SubmitReadingsInput[^{]*\{)/, '$1\n  note: String!\n'), clients });
    expect(check.ok).toBe(false);
    expect(check.breaking.flatMap((change) => change.usedBy.map((ref) => `${ref.client} ${ref.operation}`))).toContain('demo-bank SubmitElectricityReading');
  });
});

describe('pnpm check:operations', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kabinet-check-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the command against an approved schema that differs from today's composition as `edit` says. */
  async function checkAgainst(edit: (sdl: string) => string) {
    const base = path.join(dir, `${Math.random().toString(36).slice(2)}.graphql`);
    const edited = edit(approved);
    expect(edited).not.toBe(approved);
    writeFileSync(base, edited);
    return promisify(execFile)(process.execPath, ['--import', 'tsx', 'schema/check-operations.ts', '--base', base], { cwd: repoRoot }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
    );
  }

  it('passes when what changed is used by no registered operation', async () => {
    const { code, output } = await checkAgainst((sdl) => sdl.replace('electricityAccountByNumber(accountNumber: String!)', 'electricityAccountByNumber(accountNumber: String!, extra: Int)'));
    expect(output).toMatch(/safe Argument 'extra: Int' was removed from field 'Query.electricityAccountByNumber'/);
    expect(output).toContain('operation check passed');
    expect(code).toBe(0);
  }, 60_000);

  it("fails when the change breaks Demo Bank's manifest, naming its operation", async () => {
    const { code, output } = await checkAgainst((sdl) => sdl.replace(/(\n  receiptUrl: )String\n/, '$1String!\n'));
    expect(output).toMatch(/BREAKING .*receiptUrl.* breaks .*Demo Bank \(demo-bank\) PaymentStatus/);
    expect(output).toContain('operation check failed');
    expect(code).toBe(1);
  }, 60_000);
});
