// The explorer in the browser: it runs in a Web Worker, shows its progress, can be cancelled,
// and the page keeps stepping while it searches.
import { test, expect } from '@playwright/test';

const shot = (page, name) => page.screenshot({ path: `../test-results/screens/${name}.png`, fullPage: true });
// What a student sees without scrolling, at the configured 1280×800.
const view = (page, name) => page.screenshot({ path: `../test-results/screens/${name}-1280x800.png` });

test('a scaled search runs in a worker while the page keeps stepping, and stops on f', async ({ page }) => {
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  // The page's and the worker's console: no warning (trunk's loader shim once called the
  // worker's init in its deprecated form, which warned on every Find a bug; the wasm's preload
  // carried an integrity hash Chromium ignores, and said so on every load).
  const warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text()); });
  await page.goto('/?scenario=freed-inode&variant=fixed&threads=3&pages=2');
  await expect(page.locator('.thread')).toHaveCount(8);
  await page.click('#find');
  await expect(page.locator('#search-progress')).toContainText(/states, depth \d+, [\d\u202f]+ states\/s/);
  await expect.poll(() => workers.some((u) => u.includes('daxlab-worker'))).toBe(true);
  // Stepping goes on while the worker searches.
  for (let i = 0; i < 5; i++) {
    await page.locator('.thread .step:not([disabled])').first().click();
  }
  await expect(page.locator('#step-count')).toHaveText('step 5 / 5');
  await expect(page.locator('#search-progress')).toBeVisible();
  await shot(page, 'explorer-progress');
  await view(page, 'explorer-progress');
  await page.locator('h1').click();
  await page.keyboard.press('f');
  await expect(page.locator('.notice')).toContainText('Search cancelled');
  await expect(page.locator('#search-progress')).toHaveCount(0);
  await expect(page.locator('#find')).toHaveText('Find a bug');
  expect(warnings).toEqual([]);
});

test('after Find a bug at 1280x800 every listing still shows two lines or more', async ({ page }) => {
  // The search's notice and the violation box take rows above the stage; the thread cards keep
  // a floor (the page scrolls a little instead) so no listing is squeezed to one line.
  await page.goto('/?scenario=freed-inode&variant=seed');
  await page.click('#find');
  await expect(page.locator('#violation')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.notice')).toContainText(/Found null-deref/);
  const listings = page.locator('.thread .listing');
  await expect(listings).toHaveCount(4);
  for (const l of await listings.all()) {
    const { h, line } = await l.evaluate((e) => ({
      h: e.clientHeight, line: parseFloat(getComputedStyle(e.querySelector('.line')).lineHeight),
    }));
    expect(h, `a listing ${h}px tall, lines ${line}px`).toBeGreaterThanOrEqual(2 * line);
  }
  await view(page, 'find-a-bug-listings');
  // Every built-in scenario: after Find a bug the banner, the violation and the figures still
  // fit one screen (lost-wakeup's ran 16 px over while the pickers' row wrapped).
  for (const sc of ['null-mapping', 'self-deadlock', 'freed-inode', 'lost-wakeup', 'truncate-wakeup', 'inode-reuse', 'device-dax', 'hash-collision']) {
    await page.goto(`/?scenario=${sc}`);
    await page.click('#find');
    await expect(page.locator('.messages')).toBeVisible({ timeout: 30_000 });
    // Measured once the search is over (its verdict), not while its progress bar shows.
    await expect(page.locator('#find')).toHaveText('Find a bug', { timeout: 30_000 });
    const sh = await page.evaluate(() => document.scrollingElement.scrollHeight);
    expect(sh, `${sc}: page height after Find a bug`).toBeLessThanOrEqual(800);
  }
});

test('a scaled search in the worker loads a counterexample that replays', async ({ page }) => {
  await page.goto('/?scenario=freed-inode&variant=v4.19&threads=2&pages=2');
  await page.click('#find');
  await expect(page.locator('#violation')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('.notice')).toContainText(/Found \S+ after searching \d+ states .*por\+symmetry/);
  await view(page, 'explorer-result');
  // The loaded run is in the URL, scale included, and reopens to the same violation.
  const url = await page.locator('#share-url').inputValue();
  expect(url).toContain('threads=2');
  const kind = (await page.locator('#violation h2').innerText()).split(':')[0];
  await page.goto(url);
  await expect(page.locator('#violation h2')).toContainText(kind);
});

test('stepping without a break pauses the search but never stops it, and the next search reuses the worker', async ({ page }) => {
  const workers = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto('/?scenario=freed-inode&variant=fixed&threads=3&pages=2');
  await page.click('#find');
  const states = async () => Number((await page.locator('#search-progress').innerText()).match(/([\d\u202f ]+) states,/)[1].replace(/\D/g, ''));
  await expect(page.locator('#search-progress')).toContainText(/[1-9][\d\u202f ]* states, depth/);
  const before = await states();
  // Every step hints the worker to leave the processor to the page; after a second of hints
  // in a row it still searches one tick, so the count goes on growing while we step.
  const grown = await page.evaluate(async () => {
    const end = performance.now() + 3000;
    let steps = 0, said = 0;
    while (performance.now() < end) {
      const b = [...document.querySelectorAll('.thread .step')].find((x) => !x.disabled);
      if (b) { b.click(); steps++; } else document.querySelector('#reset').click();
      await new Promise((r) => setTimeout(r, 15));
      if (document.querySelector('#search-progress')?.textContent.includes('paused while you step')) said++;
    }
    return { steps, said };
  });
  expect(grown.steps).toBeGreaterThan(50);
  // The progress line says why the search slowed down, and stops saying it once we stop.
  expect(grown.said).toBeGreaterThan(grown.steps / 2);
  expect(await states()).toBeGreaterThan(before);
  await expect(page.locator('#search-progress')).not.toContainText('paused', { timeout: 5000 });
  await page.click('#find'); // cancel: the busy worker is ended
  await expect(page.locator('.notice')).toContainText('Search cancelled');
  // Two searches that end: the second runs in the first one's worker.
  await page.goto('/?scenario=lost-wakeup&variant=v4.19');
  workers.length = 0;
  for (let i = 0; i < 2; i++) {
    await page.click('#reset');
    await page.click('#find');
    await expect(page.locator('#violation')).toBeVisible({ timeout: 30_000 });
    await expect(page.locator('.notice')).toContainText(/Found \S+ after searching \d+ states/);
  }
  expect(workers.filter((u) => u.includes('daxlab-worker'))).toHaveLength(1);
});
