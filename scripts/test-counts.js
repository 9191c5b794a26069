#!/usr/bin/env node
/* Reads a test runner's JSON report for scripts/portal.
 *   test-counts.js jest <file>          Jest --json output: prints "total passed failed skipped"
 *   test-counts.js playwright <file>    Playwright json reporter output: the same four numbers
 *   test-counts.js ran-postgres <file>  exit 0 when a Jest test whose name holds POSTGRES passed
 *   test-counts.js twins <file>         exit 0 when every Jest test whose name holds SQLITE_3 has a
 *                                       twin in the same file with POSTGRES_15 in its place; else
 *                                       prints the ones without a twin and exits 1
 * A suite that fails to run (syntax error, failing import) counts as one failed test. Skipped,
 * pending and todo tests are counted apart (and named on stderr) so the caller can fail them
 * under CI. Exits 1 when the report is missing or unreadable. */
'use strict';
const fs = require('fs');
const path = require('path');

const [mode, file] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (error) {
  process.stderr.write(`no readable ${mode} report at ${file}: ${error.message}\n`);
  process.exit(1);
}

const root = path.resolve(__dirname, '..');
const relative = name => path.relative(root, name);

function jestCounts() {
  let passed = 0;
  let failed = 0;
  const skipped = [];
  for (const suite of report.testResults) {
    if (suite.status === 'failed' && suite.assertionResults.length === 0) {
      failed++; // the suite did not run: one failure, however many tests it holds
      continue;
    }
    for (const test of suite.assertionResults) {
      if (test.status === 'passed') passed++;
      else if (test.status === 'failed') failed++;
      else skipped.push(`${relative(suite.name)}: ${test.fullName} (${test.status})`);
    }
  }
  return { passed, failed, skipped };
}

function playwrightCounts() {
  let passed = 0;
  let failed = 0;
  const skipped = [];
  const visit = (suite, titles) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const name = [...titles, spec.title].filter(Boolean).join(' > ');
        if (test.status === 'expected' || test.status === 'flaky') passed++;
        else if (test.status === 'skipped') skipped.push(`${name} (skipped)`);
        else failed++;
      }
    }
    for (const child of suite.suites ?? []) visit(child, [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) visit({ suites: [suite] }, []);
  // Errors outside any test (a test file that fails to load, a global setup error).
  failed += (report.errors ?? []).length;
  return { passed, failed, skipped };
}

if (mode === 'jest' || mode === 'playwright') {
  const { passed, failed, skipped } = mode === 'jest' ? jestCounts() : playwrightCounts();
  for (const name of skipped) process.stderr.write(`skipped: ${name}\n`);
  console.log(`${passed + failed + skipped.length} ${passed} ${failed} ${skipped.length}`);
} else if (mode === 'ran-postgres') {
  const ran = report.testResults.some(suite =>
    suite.assertionResults.some(
      test => test.status === 'passed' && /POSTGRES/.test(test.fullName),
    ),
  );
  process.exit(ran ? 0 : 1);
} else if (mode === 'twins') {
  const missing = [];
  for (const suite of report.testResults) {
    const names = new Set(suite.assertionResults.map(test => test.fullName));
    for (const name of names) {
      if (name.includes('SQLITE_3') && !names.has(name.split('SQLITE_3').join('POSTGRES_15'))) {
        missing.push(`${relative(suite.name)}: ${name}`);
      }
    }
  }
  for (const name of missing) console.log(`no POSTGRES_15 twin: ${name}`);
  process.exit(missing.length === 0 ? 0 : 1);
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
