import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** Preload (`node --import`) that records a process's outgoing connections; see the file. */
export const connectionRecorderPath = new URL('./connection-recorder.mjs', import.meta.url).pathname;

export interface RecordedConnection {
  pid: number;
  kind: 'tcp' | 'ipc' | 'dns';
  target: string;
}

/** Environment that makes a spawned Node process record its connections into `logFile`. */
export function connectionRecorderEnv(logFile: string, onlyArgvContaining: string): Record<string, string> {
  return {
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${connectionRecorderPath}`.trim(),
    KABINET_CONNECTION_LOG: logFile,
    KABINET_CONNECTION_LOG_ONLY: onlyArgvContaining,
  };
}

export function recordedConnections(logFile: string): RecordedConnection[] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordedConnection);
}

function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}

/** Recorded connections and lookups that reach beyond this machine (unix sockets stay local). */
export function offLoopback(connections: RecordedConnection[]): RecordedConnection[] {
  return connections.filter((connection) => {
    if (connection.kind === 'ipc') return false;
    const host = connection.kind === 'dns' ? connection.target : connection.target.replace(/:\d+$/, '');
    return !isLoopbackHost(host);
  });
}
