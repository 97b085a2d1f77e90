// Adds up the vitest JSON reports of every workspace and prints `N passed, M failed`.
// Exits 1 when a report is missing, a test failed, or no test ran at all.
import { existsSync, readFileSync } from 'node:fs';

const reports = ['schemas', 'core', 'cli', 'test'].map((dir) => `${dir}/test-results/vitest.json`);
let passed = 0;
let failed = 0;
let missing = 0;
for (const file of reports) {
  if (!existsSync(file)) {
    console.log(`no test report at ${file}`);
    missing += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  // A file that fails to load (or a failing hook) counts as one failure though no test in it failed.
  for (const file of report.testResults ?? []) {
    const failedInFile = (file.assertionResults ?? []).filter((test) => test.status === 'failed').length;
    if (file.status === 'failed' && failedInFile === 0) failed += 1;
  }
}
// The test command failed though no test did (a type error, a build error): count it, so the
// closing line never reads "0 failed" for a failed run.
if (process.env.TEST_STATUS && process.env.TEST_STATUS !== '0' && failed === 0) {
  console.log(`npm test exited ${process.env.TEST_STATUS} outside the tests (build or typecheck); counted as 1 failure`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || missing > 0 || passed === 0 ? 1 : 0);
