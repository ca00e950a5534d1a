// A lean keep-alive HTTP client: the benchmark shares the machine with Herald,
// so it should spend as little CPU as it can per request.
import http from 'node:http';

export interface Answer {
  status: number;
  body: string;
  /** From just before the request is written until the whole answer is read. */
  ms: number;
}

export class ApiClient {
  private readonly agent: http.Agent;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly token: string,
    maxSockets: number,
    agent?: http.Agent,
  ) {
    this.agent = agent ?? new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  /** The same connections with another API key: clients of several tenants interleaved on one pool of sockets. */
  withKey(token: string): ApiClient {
    return new ApiClient(this.host, this.port, token, 0, this.agent);
  }

  /** A Buffer body is sent as is with `contentType`; anything else as JSON. */
  request(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 60_000, contentType = 'application/json'): Promise<Answer> {
    const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${this.token}` };
    if (payload) {
      headers['content-type'] = contentType;
      headers['content-length'] = payload.length;
    }
    return new Promise<Answer>((resolve, reject) => {
      const started = performance.now();
      const req = http.request({ host: this.host, port: this.port, path, method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      });
      req.on('error', reject);
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${timeoutMs} ms`)));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** GET without credentials, for /readyz while Herald starts. */
export function probe(host: string, port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2_000, () => req.destroy());
  });
}
