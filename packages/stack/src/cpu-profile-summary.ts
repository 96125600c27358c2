import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// Where a V8 CPU profile (`node --cpu-prof`) spent its time: self time by function and by package,
// and the time under each package anywhere on the stack (inclusive), over the whole profile or its
// last `--last` seconds (the load `subgraph-cpu.ts` sent, without start-up).
//
//   corepack pnpm exec tsx packages/stack/src/cpu-profile-summary.ts FILE.cpuprofile [--last 20] [--top 40]

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { last: { type: 'string' }, top: { type: 'string', default: '40' } },
});
const top = Number(options.top);

/** The package a script belongs to: an npm package, a workspace package, Node's own code, or V8's pseudo-frames. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const pnpm = /node_modules\/\.pnpm\/[^/]+\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pnpm) return pnpm[1]!;
  const plain = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (plain) return plain[1]!;
  const workspace = /\/(packages|subgraphs)\/([^/]+)\//.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  if (url.includes('/gateway/')) return 'gateway';
  return url;
}

const nameOf = ({ callFrame: { functionName, url, lineNumber } }: ProfileNode) =>
  `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}:${lineNumber + 1}` : ''}`;

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  // Sample i was taken at startTime + sum(timeDeltas[0..i]); its weight is the next delta.
  const from = options.last ? profile.endTime - Number(options.last) * 1e6 : -Infinity;
  const selfByFunction = new Map<string, number>();
  const selfByPackage = new Map<string, number>();
  const inclusiveByPackage = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  for (let index = 0; index < profile.samples.length; index += 1) {
    at += profile.timeDeltas[index]!;
    const weight = profile.timeDeltas[index + 1] ?? 0;
    if (at < from) continue;
    const node = byId.get(profile.samples[index]!)!;
    const { functionName, url } = node.callFrame;
    if (functionName === '(idle)') continue;
    total += weight;
    const pkg = packageOf(url, functionName);
    const name = nameOf(node);
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + weight);
    selfByPackage.set(pkg, (selfByPackage.get(pkg) ?? 0) + weight);
    const seen = new Set<string>();
    const seenFunctions = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parentOf.get(id)) {
      const frame = byId.get(id)!.callFrame;
      const frameName = nameOf(byId.get(id)!);
      if (!seenFunctions.has(frameName)) {
        seenFunctions.add(frameName);
        inclusiveByFunction.set(frameName, (inclusiveByFunction.get(frameName) ?? 0) + weight);
      }
      const framePackage = packageOf(frame.url, frame.functionName);
      if (seen.has(framePackage)) continue;
      seen.add(framePackage);
      inclusiveByPackage.set(framePackage, (inclusiveByPackage.get(framePackage) ?? 0) + weight);
    }
  }

  const print = (title: string, entries: Map<string, number>, count: number) => {
    console.log(`\n  ${title}`);
    for (const [name, time] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, count)) {
      console.log(`  ${((100 * time) / total).toFixed(1).padStart(5)}%  ${(time / 1000).toFixed(0).padStart(6)} ms  ${name}`);
    }
  };
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms of CPU samples${options.last ? ` in the last ${options.last} s` : ''}`);
  print('self time by package', selfByPackage, 25);
  print('inclusive time by package (anywhere on the stack)', inclusiveByPackage, 25);
  print('self time by function', selfByFunction, top);
  print('inclusive time by function', inclusiveByFunction, top);
}
