#!/usr/bin/env node
/* Reads a test runner's JSON report and prints "passed failed skipped" for scripts/portal.
 *   test-counts.js jest <file>          Jest --json output
 *   test-counts.js playwright <file>    Playwright json reporter output
 *   test-counts.js ran-postgres <file>  exit 0 when a Jest test whose name holds POSTGRES passed
 * Exits 1 when the report is missing or unreadable. */
'use strict';
const fs = require('fs');

const [mode, file] = process.argv.slice(2);
let report;
try {
  report = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (error) {
  process.stderr.write(`no readable ${mode} report at ${file}: ${error.message}\n`);
  process.exit(1);
}

if (mode === 'jest') {
  // A suite that fails to run (syntax error, failing import) has no test results: count it.
  const brokenSuites = report.testResults.filter(
    suite => suite.status === 'failed' && suite.assertionResults.length === 0,
  ).length;
  const skipped = report.numPendingTests + report.numTodoTests;
  console.log(`${report.numPassedTests} ${report.numFailedTests + brokenSuites} ${skipped}`);
} else if (mode === 'playwright') {
  const stats = report.stats ?? {};
  const errors = (report.errors ?? []).length;
  console.log(
    `${(stats.expected ?? 0) + (stats.flaky ?? 0)} ${(stats.unexpected ?? 0) + errors} ${stats.skipped ?? 0}`,
  );
} else if (mode === 'ran-postgres') {
  const ran = report.testResults.some(suite =>
    suite.assertionResults.some(
      test => test.status === 'passed' && /POSTGRES/.test(test.fullName),
    ),
  );
  process.exit(ran ? 0 : 1);
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
