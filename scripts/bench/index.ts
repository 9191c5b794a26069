/* `yarn bench [filter]`: runs every benchmark case (or those whose name contains filter),
 * prints each case's figures, its ratio against the baseline measured in the same run and
 * every target it declares (the ratio target and the absolute targets), and exits 1 when a
 * target was missed (a NaN counts as missed) or a case failed to run. */
import fs from 'fs';
import path from 'path';
import { targetMet, type BenchCase, type BenchTarget } from './types';

const root = path.resolve(__dirname, '../..');

function findCaseFiles(): string[] {
  const files: string[] = [];
  const dirs = [path.join(root, 'scripts/bench/cases')];
  for (const plugin of fs.readdirSync(path.join(root, 'plugins'))) {
    dirs.push(path.join(root, 'plugins', plugin, 'bench'));
  }
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir).sort()) {
      if (file.endsWith('.bench.ts')) files.push(path.join(dir, file));
    }
  }
  return files;
}

function format(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

async function main() {
  const filter = process.argv[2];
  const cases: BenchCase[] = findCaseFiles()
    .map(file => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(file);
      return (mod.default ?? mod) as BenchCase;
    })
    .filter(c => !filter || c.name.includes(filter));
  if (cases.length === 0) {
    console.log(
      filter ? `no benchmark case matches "${filter}"` : 'no benchmark cases',
    );
    process.exitCode = 1;
    return;
  }
  let targetCount = 0;
  const missed: string[] = [];
  const failedCases: string[] = [];
  for (const benchCase of cases) {
    console.log(`\n== ${benchCase.name}\n   ${benchCase.description}`);
    let result;
    try {
      result = await benchCase.run();
    } catch (error) {
      console.log(
        `   FAILED to run: ${error instanceof Error ? error.stack : error}`,
      );
      failedCases.push(benchCase.name);
      continue;
    }
    for (const [label, value] of Object.entries(result.figures)) {
      console.log(`   ${label.padEnd(44)} ${format(value)}`);
    }
    const targets: BenchTarget[] = [...(result.targets ?? [])];
    if (benchCase.targetRatio !== undefined) {
      targets.push({
        label: `ratio ${result.ratioLabel}`,
        value: result.ratio,
        op: '<=',
        limit: benchCase.targetRatio,
      });
    } else if (Number.isNaN(result.ratio)) {
      // No target for it, but a NaN ratio means the baseline or the subject was not measured.
      targets.push({
        label: `ratio ${result.ratioLabel} measured (not NaN)`,
        value: result.ratio,
        op: '>=',
        limit: 0,
      });
    }
    console.log(`   ratio ${result.ratioLabel}: ${result.ratio.toFixed(3)}`);
    for (const target of targets) {
      targetCount++;
      const met = targetMet(target);
      if (!met) missed.push(`${benchCase.name}: ${target.label}`);
      console.log(
        `   target ${target.label} ${target.op} ${format(
          target.limit,
        )}: ${format(Number(target.value.toFixed(3)))} ${
          met ? 'met' : 'MISSED'
        }`,
      );
    }
  }
  if (missed.length > 0 || failedCases.length > 0) {
    console.log('');
    for (const name of missed) console.log(`MISSED ${name}`);
    for (const name of failedCases) console.log(`FAILED ${name}`);
  }
  console.log(
    `\n${cases.length} benchmark case(s) run${
      failedCases.length > 0 ? ` (${failedCases.length} failed to run)` : ''
    }, ${targetCount} target(s) checked, ${missed.length} missed`,
  );
  if (missed.length > 0 || failedCases.length > 0) process.exitCode = 1;
}

main().then(
  // Exit even when a case left a handle open (a pool, a timer).
  () => process.exit(process.exitCode ?? 0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
