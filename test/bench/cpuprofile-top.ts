/**
 * Summarises a V8 .cpuprofile (from `BENCH_PROFILE=cpu npm run bench:sms`):
 * self time by function, by package / Herald file, and inclusive time of
 * Herald's own functions.
 *
 *   node dist/test/bench/cpuprofile-top.js <file.cpuprofile> [top=25] [from_s] [to_s]
 *
 * from_s/to_s keep the samples in that window, in seconds since the profile
 * started (≈ since Herald was spawned; the benchmark prints phase offsets).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node dist/test/bench/cpuprofile-top.js <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 25);
const fromUs = process.argv[4] === undefined ? -Infinity : Number(process.argv[4]) * 1e6;
const toUs = process.argv[5] === undefined ? Infinity : Number(process.argv[5]) * 1e6;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function place(url: string): string {
  if (!url) return '';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  const own = /\/dist\/(src\/.*|test\/.*|migrations\/.*)$/.exec(url);
  if (own) return `herald:${own[1]!.replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

function key(n: ProfileNode): string {
  const f = n.callFrame;
  const where = place(f.url);
  return `${f.functionName || '(anonymous)'}${where ? `  ${where}:${f.lineNumber + 1}` : ''}`;
}

function group(n: ProfileNode): string {
  const where = place(n.callFrame.url);
  if (!where) return n.callFrame.functionName || '(native)';
  if (where.startsWith('herald:')) return where;
  if (where.startsWith('node:')) return `node:${where.slice(5).split('/')[0]}`;
  return where;
}

const self = new Map<string, number>();
const groups = new Map<string, number>();
const inclusive = new Map<string, number>();
/** Each sample charged to the nearest Herald file on its stack (libraries it calls included). */
const nearest = new Map<string, number>();
let total = 0;
let at = 0;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i] ?? 0;
  const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
  if (at < fromUs || at > toUs) continue;
  const node = byId.get(profile.samples[i]!);
  if (!node) continue;
  total += dt;
  if (node.callFrame.functionName === '(idle)') {
    nearest.set('(idle)', (nearest.get('(idle)') ?? 0) + dt);
  }
  self.set(key(node), (self.get(key(node)) ?? 0) + dt);
  groups.set(group(node), (groups.get(group(node)) ?? 0) + dt);
  const seen = new Set<string>();
  let charged = false;
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const n = byId.get(id)!;
    if (!n.callFrame.url.includes('/dist/src/')) continue;
    if (!charged) {
      charged = true;
      const file = place(n.callFrame.url);
      nearest.set(file, (nearest.get(file) ?? 0) + dt);
    }
    const k = key(n);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
}

const ms = (us: number) => `${(us / 1000).toFixed(0).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%`;
const print = (title: string, m: Map<string, number>, n: number) => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, v] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n)) process.stdout.write(`${ms(v)}  ${k}\n`);
};
process.stdout.write(`profile ${file}: ${(total / 1e6).toFixed(1)} s sampled (profile spans ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s)\n`);
print('self time by package / Herald file', groups, top);
print('self time by function', self, top);
print('inclusive time, Herald functions', inclusive, top);
const areas = new Map<string, number>();
for (const [file, t] of nearest) {
  const area = file.startsWith('herald:') ? file.split('/').slice(0, file.includes('/modules/') ? 3 : 2).join('/') : file;
  areas.set(area, (areas.get(area) ?? 0) + t);
}
const charged = [...nearest.values()].reduce((a, b) => a + b, 0);
areas.set('(no Herald frame on the stack: GC, I/O callbacks, timers, library internals)', total - charged);
print('time by nearest Herald area on the stack (libraries charged to their Herald caller)', areas, top);
