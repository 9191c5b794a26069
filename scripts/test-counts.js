#!/usr/bin/env node
/* Reads a test runner's JSON report for scripts/portal.
 *   test-counts.js jest <file>          Jest --json output: prints "total passed failed skipped"
 *   test-counts.js playwright <file>    Playwright json reporter output: the same four numbers
 *   test-counts.js ran-postgres <file>  exit 0 when a Jest test whose name holds POSTGRES passed
 *   test-counts.js twins <file>         exit 0 when every Jest test whose name holds SQLITE_3 has a
 *                                       twin in the same file with POSTGRES_15 in its place, and no
 *                                       test file calls TestDatabases.create with SQLITE_3 but not
 *                                       POSTGRES_15; else prints the offenders and exits 1
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
  process.stderr.write(
    `no readable ${mode} report at ${file}: ${error.message}\n`,
  );
  process.exit(1);
}

const root = path.resolve(__dirname, '..');
const relative = name => path.relative(root, name);

function testFilesUnder(dir) {
  const files = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...testFilesUnder(full));
    else if (/\.test\.tsx?$/.test(entry.name)) files.push(full);
  }
  return files;
}

function sqliteOnlyTestFiles() {
  const files = [];
  for (const top of ['plugins', 'packages']) {
    for (const file of testFilesUnder(path.join(root, top))) {
      const source = fs.readFileSync(file, 'utf8');
      const creates =
        source.match(/TestDatabases\.create\(\s*\{[^}]*\}/g) ?? [];
      if (
        creates.some(
          call => call.includes('SQLITE_3') && !call.includes('POSTGRES_15'),
        )
      ) {
        files.push(relative(file));
      }
    }
  }
  return files;
}

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
      else
        skipped.push(
          `${relative(suite.name)}: ${test.fullName} (${test.status})`,
        );
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
    for (const child of suite.suites ?? [])
      visit(child, [...titles, child.title]);
  };
  for (const suite of report.suites ?? []) visit({ suites: [suite] }, []);
  // Errors outside any test (a test file that fails to load, a global setup error).
  failed += (report.errors ?? []).length;
  return { passed, failed, skipped };
}

if (mode === 'jest' || mode === 'playwright') {
  const { passed, failed, skipped } =
    mode === 'jest' ? jestCounts() : playwrightCounts();
  for (const name of skipped) process.stderr.write(`skipped: ${name}\n`);
  console.log(
    `${passed + failed + skipped.length} ${passed} ${failed} ${skipped.length}`,
  );
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
      // A test naming both databases (one that compares them) is its own twin.
      if (
        name.includes('SQLITE_3') &&
        !name.includes('POSTGRES_15') &&
        !names.has(name.split('SQLITE_3').join('POSTGRES_15'))
      ) {
        missing.push(`${relative(suite.name)}: ${name}`);
      }
    }
  }
  for (const name of missing) console.log(`no POSTGRES_15 twin: ${name}`);
  // Tests that open SQLite without the database id in their names: the name check cannot see
  // them, so the test files are read for TestDatabases.create({ ids }) without POSTGRES_15.
  const sqliteOnly = sqliteOnlyTestFiles();
  for (const file of sqliteOnly) {
    console.log(`TestDatabases without POSTGRES_15: ${file}`);
  }
  process.exit(missing.length === 0 && sqliteOnly.length === 0 ? 0 : 1);
} else {
  process.stderr.write(`unknown mode ${mode}\n`);
  process.exit(2);
}
