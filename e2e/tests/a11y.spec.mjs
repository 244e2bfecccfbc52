// axe-core over the views a student or teacher meets: the main view, a lesson, a
// challenge and the embed view (light and dark). No serious or critical violation is allowed;
// every violation found is printed with its nodes so a failure says what to fix.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

const VIEWS = [
  ['main view', '/?scenario=freed-inode&variant=v4.19&schedule=fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4', null],
  ['main view, comparing', '/?scenario=freed-inode&variant=v4.19&schedule=fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4&compare=fixed', null],
  ['lesson', '/?lesson=rcu-keeps-the-inode-alive', null],
  ['challenge', '/?challenge=use-after-free', null],
  ['embed view', '/?scenario=lost-wakeup&step=20&embed=1', { width: 800, height: 500 }],
];

for (const scheme of ['light', 'dark']) {
  for (const [name, url, size] of VIEWS) {
    test(`axe: no serious or critical violation on the ${name} (${scheme})`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme });
      if (size) await page.setViewportSize(size);
      await page.goto(url);
      await expect(page.locator('.thread').first()).toBeVisible();
      await expect(page.locator('#timeline')).toBeVisible();
      // The table view and the scenario builder are part of the page when opened: check them
      // too on the main view.
      if (name === 'main view') {
        await page.click('#tables-button');
        await page.click('#builder-toggle');
        await expect(page.locator('#builder')).toBeVisible();
      }
      const result = await new AxeBuilder({ page }).analyze();
      const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
      const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n  ')}`).join('\n');
      expect(bad, report).toEqual([]);
      const minor = result.violations.filter((v) => !['serious', 'critical'].includes(v.impact)).map((v) => `${v.impact} ${v.id}`);
      console.log(`axe ${name} (${scheme}): ${result.passes.length} rules pass; other findings: ${minor.join(', ') || 'none'}`);
    });
  }
}
