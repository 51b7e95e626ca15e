/**
 * A round-robin HTTP proxy in front of replicas, as a Kubernetes Service or a load balancer puts
 * them (tests/platform/replicas.test.ts, bench/load.ts): request n goes to targets[n % targets.length];
 * it counts what each got. 127.0.0.1 only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobin {
  url: string;
  /** requests passed to each target, in the order of `targets` */
  served: number[];
  close: () => Promise<void>;
}

export async function roundRobin(targets: string[]): Promise<RoundRobin> {
  const served = targets.map(() => 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const server = http.createServer((req, res) => {
    const i = next++ % targets.length;
    served[i]!++;
    const upstream = http.request(new URL(req.url ?? '/', targets[i]), { method: req.method, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    served,
    close: () => {
      agent.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
