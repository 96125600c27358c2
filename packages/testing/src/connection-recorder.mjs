// Preloaded with `node --import` into a process under test: appends every outgoing TCP
// connection and DNS lookup the process attempts to the file named by KABINET_CONNECTION_LOG.
// Only processes whose command line contains KABINET_CONNECTION_LOG_ONLY (when set) record,
// so that the package manager launching the product is left out.
import { appendFileSync } from 'node:fs';
import dns from 'node:dns';
import net from 'node:net';

const logFile = process.env.KABINET_CONNECTION_LOG;
const only = process.env.KABINET_CONNECTION_LOG_ONLY;
const recording = logFile && (!only || process.argv.some((arg) => arg.includes(only)));

function record(kind, target) {
  appendFileSync(logFile, `${JSON.stringify({ pid: process.pid, kind, target })}\n`);
}

if (recording) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    const [first, second] = args;
    const options = Array.isArray(first) ? first[0] : first;
    if (options && typeof options === 'object') {
      if (options.path) record('ipc', options.path);
      else record('tcp', `${options.host ?? 'localhost'}:${options.port}`);
    } else if (typeof first === 'string' && Number.isNaN(Number(first))) {
      record('ipc', first);
    } else {
      record('tcp', `${typeof second === 'string' ? second : 'localhost'}:${first}`);
    }
    return connect.apply(this, args);
  };
  const wrap = (owner, name) => {
    const original = owner[name];
    owner[name] = function (host, ...rest) {
      record('dns', String(host));
      return original.call(this, host, ...rest);
    };
  };
  for (const name of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']) {
    wrap(dns, name);
    wrap(dns.promises, name);
    wrap(dns.Resolver.prototype, name);
    wrap(dns.promises.Resolver.prototype, name);
  }
}
