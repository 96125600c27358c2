import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

/*
 * A V8 .cpuprofile (node --cpu-prof) summarised: self time by package and by function, and total
 * (inclusive) time of the functions most often on the stack. Given a directory, its largest profile.
 *
 *   corepack pnpm --filter @kabinet/stack exec tsx src/profiling/cpuprofile-summary.ts PROFILE|DIR [--top 30] [--match REGEX]
 *
 * --match: also the share of samples with a matching frame anywhere on the stack ("function url").
 * --skip-ms N: leave out the profile's first N ms (start-up and warm-up; gateway-load.ts prints it).
 * --callers REGEX: the stacks (--depth frames) leading to the innermost frame matching REGEX.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '30' },
    match: { type: 'string', multiple: true, default: [] },
    callers: { type: 'string' },
    depth: { type: 'string', default: '6' },
    'skip-ms': { type: 'string', default: '0' },
  },
});
let file = positionals[0];
if (!file) throw new Error('usage: cpuprofile-summary.ts PROFILE|DIR');
if (statSync(file).isDirectory()) {
  const profiles = readdirSync(file).filter((name) => name.endsWith('.cpuprofile'));
  // The largest: the main thread's (a loader hook thread writes a small one of its own).
  const newest = profiles.map((name) => path.join(file!, name)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (!newest) throw new Error(`no .cpuprofile in ${file}`);
  file = newest;
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(options.top);

/** The package a script belongs to: `name@version` under node_modules, the workspace folder, or node's own. */
function packageOf(url: string): string {
  if (!url) return '(native/VM)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const workspace = /\/(gateway|packages\/[^/]+|subgraphs\/[^/]+)\/src\//.exec(url);
  return workspace ? `kabinet:${workspace[1]}` : url;
}

const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

const label = (node: ProfileNode) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^file:\/\/.*?\/(gateway|packages|subgraphs)\//, '$1/')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};

const selfByPackage = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const totalByFunction = new Map<string, number>();
const callers = options.callers ? new RegExp(options.callers) : undefined;
const callerStacks = new Map<string, number>();
const matches = options.match.map((pattern) => ({ pattern, regex: new RegExp(pattern), time: 0 }));
let total = 0;
let idle = 0;

let elapsed = 0;
for (let index = 0; index < profile.samples.length; index += 1) {
  const delta = profile.timeDeltas[index] ?? 0;
  elapsed += delta;
  if (elapsed < Number(options['skip-ms']) * 1000) continue;
  const node = byId.get(profile.samples[index]!)!;
  const name = node.callFrame.functionName;
  if (name === '(idle)' || name === '(program)') {
    if (name === '(idle)') idle += delta;
    if (name === '(idle)') continue;
  }
  total += delta;
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + delta);
  add(selfByPackage, name === '(garbage collector)' ? '(garbage collector)' : packageOf(node.callFrame.url));
  add(selfByFunction, label(node));
  const seen = new Set<string>();
  const stack: string[] = [];
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const frame = byId.get(id)!;
    const key = label(frame);
    stack.push(key);
    if (!seen.has(key)) {
      seen.add(key);
      add(totalByFunction, key);
    }
  }
  const joined = stack.join('\n');
  if (callers) {
    const at = stack.findIndex((frame) => callers.test(frame));
    if (at >= 0) add(callerStacks, stack.slice(at, at + Number(options.depth)).join('\n         < '));
  }
  for (const match of matches) if (match.regex.test(joined)) match.time += delta;
}

const percent = (time: number) => `${((100 * time) / total).toFixed(1).padStart(5)}%`;
const print = (title: string, map: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [key, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${percent(time)}  ${key}`);
};

console.log(`${file}: ${(total / 1000).toFixed(0)} ms busy, ${(idle / 1000).toFixed(0)} ms idle`);
print('self time by package', selfByPackage);
print('self time by function', selfByFunction);
print('total time by function (on the stack)', totalByFunction);
if (callers) print(`stacks leading to ${options.callers}`, callerStacks);
if (matches.length > 0) {
  console.log('\non the stack');
  for (const match of matches) console.log(`${percent(match.time)}  ${match.pattern}`);
}
