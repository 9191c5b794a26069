import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ScorecardSourceUnavailableError } from '../scorecards/types';
import { PrometheusClient } from './PrometheusClient';

describe('PrometheusClient', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise(resolve => server.close(resolve));
    }
  });

  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('reports a server that does not answer in time, without credentials in the message', async () => {
    const url = await serve(() => {
      // never answers
    });
    const client = new PrometheusClient({
      baseUrl: url.replace('http://', 'http://user:pw@'),
      headers: { Authorization: 'Bearer secret-token' },
      timeoutMs: 300,
    });
    const query = client.queryInstant('up', new Date());
    await expect(query).rejects.toThrow(ScorecardSourceUnavailableError);
    await expect(query).rejects.toThrow(
      `source unavailable: Prometheus at ${url} did not answer within 300 ms`,
    );
  });

  it('sends the configured headers and the query as a form, and reports API errors', async () => {
    const seen: Array<{ auth?: string; body: string }> = [];
    const url = await serve((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body });
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            status: 'error',
            errorType: 'bad_data',
            error: 'parse error',
          }),
        );
      });
    });
    const client = new PrometheusClient({
      baseUrl: url,
      headers: { Authorization: 'Bearer secret-token' },
      timeoutMs: 2000,
    });
    await expect(
      client.queryInstant('up', new Date(1_700_000_000_000)),
    ).rejects.toThrow(
      `source unavailable: Prometheus at ${url} answered 400: bad_data: parse error`,
    );
    expect(seen[0].auth).toBe('Bearer secret-token');
    expect(new URLSearchParams(seen[0].body).get('time')).toBe(
      '1700000000.000',
    );
  });
});
