/**
 * `npm run bench:floor`: what the HTTP part of a one-recipient send costs on
 * this machine when nothing else is done, as a floor under bench:sms's single
 * phase. A Fastify process with Herald's validator and the send route's body
 * and answer schemas (no authentication, no database, no SMS) is driven by
 * the same 50 keep-alive clients, from this process, as bench:sms drives
 * Herald. Prints as its last line one JSON object: requests per second, the
 * CPU each request costs the server and the clients, and the share of the
 * machine's cores that HTTP alone would take at 3,000 sends a second.
 *
 * Knobs: BENCH_FLOOR_N (default 20,000), BENCH_CLIENTS (default 50).
 */
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ApiClient } from './http-client.js';
import { intKnob, round } from './knobs.js';

const N = intKnob('BENCH_FLOOR_N', 20_000);
const CLIENTS = intKnob('BENCH_CLIENTS', 50);
const TARGET_PER_S = 3000;
const TEXT = 'Your Herald verification code is 482913. It expires in 10 minutes.';

const server = spawn(process.execPath, [fileURLToPath(new URL('./floor-server.js', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve, reject) => {
  let out = '';
  server.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /port (\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  server.once('exit', (code) => reject(new Error(`floor server exited with ${code}`)));
});
const client = new ApiClient('127.0.0.1', port, 'unused', CLIENTS);

async function run(total: number): Promise<number> {
  let next = 0;
  let failed = 0;
  const one = async () => {
    while (next < total) {
      const i = next++;
      const answer = await client.request('POST', '/v1/messages', { to: [`+3247${String(i % 10_000_000).padStart(7, '0')}`], text: TEXT, sender: 'Herald' });
      if (answer.status !== 202) failed++;
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, one));
  return failed;
}

const serverCpu = async () => ((JSON.parse((await client.request('GET', '/cpu')).body) as { cpu_ms: number }).cpu_ms);

await run(2000); // warm-up: JIT and keep-alive sockets
const server0 = await serverCpu();
const client0 = process.cpuUsage();
const started = performance.now();
const failed = await run(N);
const seconds = (performance.now() - started) / 1000;
const clientUsage = process.cpuUsage(client0);
const serverMs = (await serverCpu()) - server0;
client.close();
server.kill();

const serverPerRequest = serverMs / N;
const clientPerRequest = (clientUsage.user + clientUsage.system) / 1000 / N;
const cores = cpus().length;
process.stdout.write(`# ${N} requests from ${CLIENTS} clients, ${failed} not answered 202, ${cores} cores\n`);
process.stdout.write(`${JSON.stringify({
  http_floor_per_s: Math.round(N / seconds),
  server_cpu_ms_per_request: round(serverPerRequest, 3),
  client_cpu_ms_per_request: round(clientPerRequest, 3),
  // CPU time at 3,000 sends a second, against what the machine's cores give in a second.
  share_of_machine_at_3000_per_s: round(((serverPerRequest + clientPerRequest) * TARGET_PER_S) / (cores * 1000), 2),
})}\n`);
