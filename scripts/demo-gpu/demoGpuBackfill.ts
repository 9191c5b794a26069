/**
 * DEMO DATA backfill: Prometheus only holds what it scraped, so a demo
 * Prometheus started a minute ago would show a month-to-date GPU cost of a
 * minute. The demo writes the same made-up series for the time before it
 * started (from the start of the month, or 7 days back when that is
 * earlier, so the 7-day gpu-idle window is full) as OpenMetrics and turns
 * them into TSDB blocks with `promtool tsdb create-blocks-from openmetrics`.
 * Every series carries demo="true", like the live exporter's.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderGpuFleetMetrics } from '../../plugins/ai-platform-backend/src/prometheus/__testUtils__/gpuFleetExporter';
import { DemoGpuEndpoint, workloadAt } from './demoGpuFleet';

/** Seconds between two backfilled samples (under Prometheus' 5 min lookback). */
export const BACKFILL_STEP_SECONDS = 120;
const FLUSH_CHARS = 1 << 20;

/** Where the backfill starts: the month's start or 7 days back, the earlier. */
export function backfillStart(now: Date): Date {
  const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  return new Date(Math.min(monthStart, now.getTime() - 7 * 86_400_000));
}

/**
 * Writes the OpenMetrics text of the fleet from `from` to `to` (exclusive)
 * to `file`, one sample per series every BACKFILL_STEP_SECONDS, each metric
 * family's samples together as OpenMetrics requires. Returns the number of
 * samples.
 */
export function writeBackfillOpenMetrics(
  endpoints: DemoGpuEndpoint[],
  from: Date,
  to: Date,
  file: string,
): number {
  const step = BACKFILL_STEP_SECONDS;
  const first = Math.ceil(from.getTime() / 1000 / step) * step;
  const last = to.getTime() / 1000;
  const partsDir = fs.mkdtempSync(`${file}.parts-`);
  const families = new Map<string, { file: string; buffer: string }>();
  let samples = 0;
  const flush = (family: { file: string; buffer: string }) => {
    fs.appendFileSync(family.file, family.buffer);
    family.buffer = '';
  };
  try {
    for (let t = first; t < last; t += step) {
      const text = renderGpuFleetMetrics(
        endpoints.map(e => workloadAt(e, new Date(t * 1000))),
      );
      for (const line of text.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const name = line.slice(0, line.search(/[{ ]/));
        let family = families.get(name);
        if (!family) {
          family = {
            file: path.join(partsDir, String(families.size)),
            buffer: '',
          };
          families.set(name, family);
        }
        family.buffer += `${line} ${t}\n`;
        samples += 1;
        if (family.buffer.length > FLUSH_CHARS) flush(family);
      }
    }
    const out = fs.openSync(file, 'w');
    try {
      for (const [name, family] of families) {
        flush(family);
        fs.writeSync(out, `# TYPE ${name} gauge\n`);
        fs.writeSync(out, fs.readFileSync(family.file));
      }
      fs.writeSync(out, '# EOF\n');
    } finally {
      fs.closeSync(out);
    }
  } finally {
    fs.rmSync(partsDir, { recursive: true, force: true });
  }
  return samples;
}

/**
 * Backfills `[from, to)` into the TSDB at `tsdbDir` (Prometheus not yet
 * running on it). Returns the number of samples written.
 */
export async function backfillTsdb(options: {
  promtool: string;
  tsdbDir: string;
  endpoints: DemoGpuEndpoint[];
  from: Date;
  to: Date;
}): Promise<number> {
  const { promtool, tsdbDir, endpoints, from, to } = options;
  fs.mkdirSync(tsdbDir, { recursive: true });
  const file = path.join(path.dirname(tsdbDir), 'demo-backfill.om');
  try {
    const samples = writeBackfillOpenMetrics(endpoints, from, to, file);
    if (samples === 0) return 0;
    await promisify(execFile)(
      promtool,
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        '--max-block-duration=24h',
        file,
        tsdbDir,
      ],
      { maxBuffer: 16 << 20 },
    );
    return samples;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
