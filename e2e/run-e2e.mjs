// Runs Playwright and prints a plain closing line "e2e: N passed, N failed" from its JSON
// report. Exits non-zero on any failure or when no test ran.
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';

mkdirSync('../test-results', { recursive: true });
const run = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit' });
let passed = 0, failed = 0;
try {
  const report = JSON.parse(readFileSync('../test-results/e2e-report.json', 'utf8'));
  const walk = (suite) => {
    for (const s of suite.suites ?? []) walk(s);
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        const ok = (t.results ?? []).some((r) => r.status === 'passed');
        if (ok) passed++; else failed++;
      }
    }
  };
  for (const s of report.suites ?? []) walk(s);
} catch (e) {
  console.error(`e2e: could not read the JSON report: ${e.message}`);
  failed++;
}
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(run.status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
