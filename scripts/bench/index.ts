/* `yarn bench [filter]`: runs every benchmark case (or those whose name contains filter)
 * and prints each case's figures and its ratio against the baseline measured in the same run. */
import fs from 'fs';
import path from 'path';
import type { BenchCase } from './types';

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
    console.log(filter ? `no benchmark case matches "${filter}"` : 'no benchmark cases');
    return;
  }
  let missedTargets = 0;
  for (const benchCase of cases) {
    console.log(`\n== ${benchCase.name}\n   ${benchCase.description}`);
    const result = await benchCase.run();
    for (const [label, value] of Object.entries(result.figures)) {
      console.log(`   ${label.padEnd(44)} ${format(value)}`);
    }
    const verdict =
      benchCase.targetRatio === undefined
        ? ''
        : result.ratio <= benchCase.targetRatio
        ? `  (target <= ${benchCase.targetRatio}: met)`
        : `  (target <= ${benchCase.targetRatio}: MISSED)`;
    if (benchCase.targetRatio !== undefined && result.ratio > benchCase.targetRatio) {
      missedTargets++;
    }
    console.log(`   ratio ${result.ratioLabel}: ${result.ratio.toFixed(3)}${verdict}`);
  }
  console.log(`\n${cases.length} benchmark case(s) run, ${missedTargets} missed their target`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
