import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionRecorderEnv, offLoopback, recordedConnections } from './connections';

describe('connection recorder', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kabinet-connections-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // What @apollo/gateway's cloud detectors do: a metadata probe by address and by name.
  const probe = `
    const net = require('node:net');
    const dns = require('node:dns');
    const attempt = (host, port) => new Promise((resolve) => {
      const socket = net.connect({ host, port, timeout: 200 });
      socket.on('error', resolve).on('timeout', () => { socket.destroy(); resolve(); }).on('connect', () => { socket.destroy(); resolve(); });
    });
    (async () => {
      await attempt('127.0.0.1', 9);
      await attempt('169.254.169.254', 80);
      await new Promise((resolve) => dns.lookup('metadata.google.internal.', () => resolve()));
    })();`;

  it('records what a process attempts, and tells loopback from the rest', () => {
    const log = path.join(dir, 'probe.jsonl');
    execFileSync(process.execPath, ['-e', probe, 'probe-marker'], { env: { ...process.env, ...connectionRecorderEnv(log, 'probe-marker') } });
    const connections = recordedConnections(log);
    expect(connections.map(({ kind, target }) => `${kind} ${target}`)).toEqual([
      'tcp 127.0.0.1:9',
      'tcp 169.254.169.254:80',
      'dns metadata.google.internal.',
    ]);
    expect(offLoopback(connections).map(({ target }) => target)).toEqual(['169.254.169.254:80', 'metadata.google.internal.']);
  });

  it('leaves processes out whose command line lacks the marker', () => {
    const log = path.join(dir, 'other.jsonl');
    execFileSync(process.execPath, ['-e', probe], { env: { ...process.env, ...connectionRecorderEnv(log, 'probe-marker') } });
    expect(recordedConnections(log)).toEqual([]);
  });
});
