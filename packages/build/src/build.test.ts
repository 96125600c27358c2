import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BuildError, buildDeployables, deployables, outputOf, repoRoot, stopBuilder, type Deployable } from './build.mjs';

// Small deployables written for the test inside the repository (the build works on its files),
// removed afterwards.
const dir = `packages/build/.test-${process.pid}`;

function deployable(name: string, files: Record<string, string>, dependencies: Record<string, string> = {}, options: Partial<Deployable> = {}): Deployable {
  const packageDir = path.join(repoRoot, dir, name);
  for (const [file, contents] of Object.entries({ ...files, 'package.json': JSON.stringify({ name, type: 'module', dependencies }) })) {
    mkdirSync(path.dirname(path.join(packageDir, file)), { recursive: true });
    writeFileSync(path.join(packageDir, file), contents);
    // Written a minute ago, as sources are before a build: a build records the time it began.
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(path.join(packageDir, file), aMinuteAgo, aMinuteAgo);
  }
  return { name, dir: `${dir}/${name}`, entries: { main: 'src/main.ts' }, ...options };
}

describe('pnpm build', () => {
  afterAll(async () => {
    await stopBuilder();
    rmSync(path.join(repoRoot, dir), { recursive: true, force: true });
  });

  it('bundles workspace code whose modules still read their files relative to their sources', async () => {
    const reader = deployable('reader', {
      'src/main.ts': `import { readFileSync } from 'node:fs';
import { words } from './nested/words';
const message: string = readFileSync(new URL('../message.txt', import.meta.url), 'utf8').trim();
console.log(message, words);`,
      'src/nested/words.ts': `import { readFileSync } from 'node:fs';
export const words = readFileSync(new URL('../../data/words.txt', import.meta.url), 'utf8').trim();`,
      'message.txt': 'hello from the package root',
      'data/words.txt': 'and from its data folder',
    });
    const outputs = await buildDeployables([reader]);
    expect(outputs.map((output) => output.file)).toEqual([outputOf(reader, 'main')]);
    const printed = execFileSync(process.execPath, [path.join(repoRoot, outputOf(reader, 'main'))], { encoding: 'utf8' });
    expect(printed.trim()).toBe('hello from the package root and from its data folder');
    // Nothing changed since: a start would not build it again.
    expect(await buildDeployables([reader], { whenChanged: true })).toEqual([]);
  });

  it('bundles npm packages too for a deployable that asks, but for those left in node_modules', async () => {
    const bundling = deployable(
      'bundling',
      {
        'src/main.ts': `import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
// Never called: the logger is imported from node_modules, on first use.
export const logger = () => import('pino');
console.log(parse(readFileSync(new URL('../settings.yaml', import.meta.url), 'utf8')).greeting);`,
        'settings.yaml': 'greeting: hello from a bundled package',
      },
      { pino: '^10.0.0' },
      { bundlesPackages: true },
    );
    await buildDeployables([bundling]);
    const output = path.join(repoRoot, outputOf(bundling, 'main'));
    expect(execFileSync(process.execPath, [output], { encoding: 'utf8' }).trim()).toBe('hello from a bundled package');
    const bundle = readFileSync(output, 'utf8');
    expect(bundle).not.toMatch(/from\s*["']yaml["']/);
    expect(bundle).toContain('import("pino")');
  });

  it('names every npm package a build imports that its deployable does not list, and writes nothing', async () => {
    const undeclared = deployable(
      'undeclared',
      { 'src/main.ts': `import postgres from 'postgres';\nimport { z } from 'zod';\nimport big from 'big.js';\nconsole.log(postgres, z, big);` },
      { 'big.js': '^7.0.1' },
    );
    const failure = await buildDeployables([undeclared]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BuildError);
    const problems = (failure as BuildError).problems;
    expect(problems).toHaveLength(2);
    expect(problems.some((problem) => problem.includes('must list postgres in "dependencies"'))).toBe(true);
    expect(problems.some((problem) => problem.includes('must list zod in "dependencies"'))).toBe(true);
    expect(() => execFileSync(process.execPath, [path.join(repoRoot, outputOf(undeclared, 'main'))], { stdio: 'ignore' })).toThrow();
  });

  // production-build.e2e.ts builds and runs them too, but on PostgreSQL only: a package one of them
  // leaves to node_modules without listing it would pass every run on the embedded database.
  it("builds the service deployables as they are: each lists every package its bundle leaves to node_modules", async () => {
    const services = deployables.filter((candidate) => !candidate.bundlesPackages);
    const outputs = await buildDeployables(services);
    expect(new Set(outputs.map((output) => output.file))).toEqual(new Set(services.flatMap((service) => Object.keys(service.entries).map((entry) => outputOf(service, entry)))));
  });

  it('writes bundles in ASCII: strings escaped, a character it cannot escape named with where it is', async () => {
    const escaped = deployable('escaped', { 'src/main.ts': `console.log('Київ — ' + String(/\\u2014/.test('—')));` });
    await buildDeployables([escaped]);
    const output = path.join(repoRoot, outputOf(escaped, 'main'));
    expect(readFileSync(output, 'utf8')).toMatch(/^[\x00-\x7f]*$/);
    expect(execFileSync(process.execPath, [output], { encoding: 'utf8' }).trim()).toBe('Київ — true');

    // esbuild leaves regular expressions as written.
    const raw = deployable('raw', { 'src/main.ts': `console.log(/[ʼ’]/.test('x'));` });
    const failure = await buildDeployables([raw]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BuildError);
    expect((failure as BuildError).problems).toEqual([expect.stringMatching(/raw\/dist\/main\.js has a non-ASCII character in ".*\[ʼ’\].*": write it as a \\u escape/)]);
  });
});
