// The scenario builder: build a race of your own, see it at once, share it by URL, find its bug.
import { test, expect } from '@playwright/test';

const shot = (page, name) => page.screenshot({ path: `../test-results/screens/${name}.png`, fullPage: true });

test('build a scenario, reload it from its URL and find a bug in it', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?scenario=null-mapping&variant=seed');
  await expect(page.locator('.thread')).toHaveCount(3);
  await page.locator('h1').click();
  await page.keyboard.press('b');
  const b = page.locator('#builder');
  await expect(b).toBeVisible();
  await expect(page.locator('#builder-toggle')).toHaveAttribute('aria-expanded', 'true');
  // The builder shows the scenario on screen: null-mapping's preset.
  await expect(page.locator('#builder-text')).toHaveText('threads=mf,fault,trunc&pages=2:0,-&buckets=8');

  // Add a second fault, named: the view changes at once.
  await page.selectOption('#builder-add-path', 'fault');
  await page.click('#builder-add');
  await expect(page.locator('.thread')).toHaveCount(4);
  await page.locator('.builder-name').nth(3).fill('writer');
  await page.locator('.builder-name').nth(3).press('Enter');
  await expect(page.locator('.thread').nth(3)).toContainText('writer');
  await expect(page.locator('#scenario option:checked')).toHaveText('written as text (threads=)');
  await expect(page.locator('#builder-text')).toContainText('threads=mf,fault,trunc,fault=writer');

  // A bad value names the item and what is accepted; the view keeps the last good scenario.
  await page.locator('.builder-arg').first().fill('9');
  await page.locator('.builder-arg').first().press('Enter');
  await expect(page.locator('#builder-error')).toContainText('item 1');
  await expect(page.locator('#builder-error')).toContainText('accepted');
  await expect(page.locator('.thread')).toHaveCount(4);
  await shot(page, 'builder-error');
  await page.locator('.builder-arg').first().fill('');
  await page.locator('.builder-arg').first().press('Enter');
  await expect(page.locator('#builder-error')).toHaveCount(0);

  // Three pages, the third free: a fault may install it; a bigger wait table.
  await page.selectOption('#builder-pages', '3');
  await page.locator('.builder-map').nth(2).fill('');
  await page.locator('.builder-map').nth(2).press('Enter');
  await page.selectOption('#builder-buckets', '16');
  await expect(page.locator('#builder-text')).toHaveText(
    'threads=mf,fault,trunc,fault=writer&pages=3:0,-,-&buckets=16');
  await shot(page, 'builder');

  // The address bar holds the built scenario: reloading it shows the same threads.
  // (Polled for the last change: the address follows each edit, so 'writer' is there before
  // the pages and buckets are.)
  await expect.poll(() => page.url()).toContain('buckets=16');
  const url = page.url();
  expect(url).toContain('writer');
  await page.goto(url);
  await expect(page.locator('.thread')).toHaveCount(4);
  await expect(page.locator('.thread').nth(3)).toContainText('writer');
  await expect(page.locator('#builder')).toHaveCount(0);
  await page.click('#builder-toggle');
  await expect(page.locator('#builder-text')).toHaveText(
    'threads=mf,fault,trunc,fault=writer&pages=3:0,-,-&buckets=16');

  // "Find a bug" searches the built scenario (in the worker) and loads a counterexample.
  await page.click('#find');
  await expect(page.locator('#violation')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.notice')).toContainText(/Found/);
  expect(page.url()).toContain('writer');
  await shot(page, 'builder-found');
  expect(errors).toEqual([]);
});

test('the builder limits threads to what the model holds and says so', async ({ page }) => {
  await page.goto('/?threads=mf,fault,evict,rcu,trunc,wb,mf,fault,trunc,wb,fault&pages=2&variant=fixed');
  await expect(page.locator('.thread')).toHaveCount(11);
  await page.click('#builder-toggle');
  await page.selectOption('#builder-add-path', 'mf');
  await page.click('#builder-add');
  await expect(page.locator('.thread')).toHaveCount(12);
  await expect(page.locator('#builder-add')).toBeDisabled();
  await expect(page.locator('#builder-add')).toHaveAttribute('title', /at most 12 threads/);
  // Removing a thread works and enables adding again.
  await page.locator('.builder-remove').last().click();
  await expect(page.locator('.thread')).toHaveCount(11);
  await expect(page.locator('#builder-add')).toBeEnabled();
  await page.click('#builder-close');
  await expect(page.locator('#builder')).toHaveCount(0);
});
