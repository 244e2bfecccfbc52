import { test, expect } from '@playwright/test';

test('the app loads and lists every scenario', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(page.locator('h1')).toHaveText('daxlab');
  await expect(page.locator('li')).toHaveCount(8);
  expect(errors).toEqual([]);
});
