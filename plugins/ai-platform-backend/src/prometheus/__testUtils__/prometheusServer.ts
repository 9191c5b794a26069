import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The Prometheus binary: `$PROMETHEUS_BIN`, `/usr/bin/prometheus` (Debian's
 * package, installed by `scripts/prometheus/ensure-prometheus.sh`) or
 * `prometheus` on the PATH; `undefined` when none exists.
 */
export function findPrometheusBinary(): string | undefined {
  const candidates = [
    process.env.PROMETHEUS_BIN,
    '/usr/bin/prometheus',
    ...(process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map(dir => path.join(dir, 'prometheus')),
  ];
  return candidates.find(candidate => {
    if (!candidate) return false;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return fs.statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A Prometheus server the test started. */
export interface TestPrometheusServer {
  url: string;
  /** Stops the process and deletes its storage. */
  stop(): Promise<void>;
}

/**
 * Starts `binary` on a random loopback port with a temporary TSDB and a
 * generated config scraping `targets` every second; resolves once
 * `/-/ready` answers.
 */
export async function startPrometheusServer(options: {
  binary: string;
  targets: string[];
}): Promise<TestPrometheusServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-platform-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    configFile,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 900ms',
      '  evaluation_interval: 1s',
      'scrape_configs:',
      '  - job_name: known-distribution',
      '    static_configs:',
      `      - targets: [${options.targets.map(t => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logs: string[] = [];
  const child: ChildProcess = spawn(
    options.binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', chunk => logs.push(String(chunk)));
  child.stderr?.on('data', chunk => logs.push(String(chunk)));
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(
        `prometheus exited with ${child.exitCode}: ${logs.join('')}`,
      );
    }
    try {
      const response = await fetch(`${url}/-/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not get ready: ${logs.join('')}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  return { url, stop };
}
