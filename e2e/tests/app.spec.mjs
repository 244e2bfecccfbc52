// End-to-end tests of the release build in headless Chromium. Screenshots of the main views
// go to test-results/screens/ (look at them after a change to the layout).
import { test, expect } from '@playwright/test';

const SCENARIOS = ['self-deadlock', 'null-mapping', 'freed-inode', 'lost-wakeup',
  'truncate-wakeup', 'inode-reuse', 'device-dax', 'hash-collision'];
const shot = (page, name) => page.screenshot({ path: `../test-results/screens/${name}.png`, fullPage: true });

function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return errors;
}

test('each built-in scenario loads by URL without a message', async ({ page }) => {
  const errors = watchErrors(page);
  for (const s of SCENARIOS) {
    await page.goto(`/?scenario=${s}`);
    await expect(page.locator('.thread').first()).toBeVisible();
    await expect(page.locator('#scenario')).toHaveValue(s);
    await expect(page.locator('.errors')).toHaveCount(0);
    await expect(page.locator('.listing .current').first()).toBeVisible();
  }
  await page.goto('/?scenario=self-deadlock&step=14');
  await shot(page, 'scenario-self-deadlock-step14');
  expect(errors).toEqual([]);
});

test("daxlab's notes in a listing are set apart from the kernel code", async ({ page }) => {
  // The rcu thread's lines are summaries (whole-line notes); its header is code plus a note.
  await page.goto('/?scenario=freed-inode&variant=fixed');
  const rcu = page.locator('.thread[data-thread="rcu"]');
  await rcu.getByRole('button', { name: 'whole listing' }).click();
  const head = rcu.locator('.listing li.line code').filter({ hasText: 'rcu_process_callbacks()' });
  await expect(head.locator('.note')).toHaveText('/* as one daemon */');
  await expect(head.locator('.note')).toHaveCSS('font-style', 'italic');
  // No comment is left in the code text itself, in any thread's listing.
  for (const code of await page.locator('.listing li.line code').all()) {
    const text = await code.evaluate((c) => [...c.childNodes].filter((n) => n.nodeType === 3).map((n) => n.data).join(''));
    expect(text).not.toContain('/*');
  }
});

const REPLAYS = [
  ['self-deadlock', 'seed', 'fault*5,mf*14,fault*5,mf*9', /deadlock: mf at dax_lock_mapping_entry\(\)/, /possible recursive locking detected[\s\S]*hard LOCKUP/],
  ['null-mapping', 'seed', 'trunc*8,mf*4', /null-deref: mf at dax_lock_mapping_entry\(\)/, /NULL pointer/],
  ['freed-inode', 'v4.19', 'fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4', /use-after-free: mf/, /KASAN/],
  ['lost-wakeup', 'exclusive-wait', 'wb*7,trunc*5,mf*13,mf2*13,wb*5,trunc*9,mf*7,mf2', /lost-wakeup: mf2/, /hung|blocked/i],
  ['inode-reuse', 'no-recheck', 'mf*6,reuse*13,mf*4', /wrong-entry-locked: mf/, /./],
];

for (const [scenario, variant, schedule, title, report] of REPLAYS) {
  test(`replaying the ${scenario} story under ${variant} shows the violation panel`, async ({ page }) => {
    const errors = watchErrors(page);
    await page.goto(`/?scenario=${scenario}&variant=${variant}&schedule=${encodeURIComponent(schedule)}`);
    const panel = page.locator('#violation');
    await expect(panel).toBeVisible();
    await expect(panel.locator('h2')).toHaveText(title);
    await expect(panel.locator('.report')).toHaveText(report);
    if (scenario === 'freed-inode') {
      // The timeline shows mf's read-side sections and the grace period that freed the inode.
      const sections = page.locator('#timeline [data-kind="rcu-section"][data-thread="mf"]');
      await expect(sections).toHaveCount(2);
      await expect(sections.first()).toHaveAttribute('data-start', '7');
      await expect(sections.last()).toHaveAttribute('data-end', '');
      await expect(page.locator('#timeline [data-kind="free"]')).toHaveAttribute('data-ino', '1');
    }
    await shot(page, `violation-${scenario}-${variant}`);
    // The same story under fixed ends cleanly (the schedule may stop applying part-way).
    await page.selectOption('#variant', 'fixed');
    await expect(panel).toHaveCount(0);
    expect(errors).toEqual([]);
  });
}

test('stepping back restores the earlier state and the URL follows', async ({ page }) => {
  await page.goto('/?scenario=null-mapping&variant=seed&schedule=trunc*8,mf*4');
  await expect(page.locator('#violation')).toBeVisible();
  const graph = page.locator('#object-graph desc');
  await expect(graph).toContainText('page pfn 0: mapping NULL');
  await page.click('#back');
  await expect(page.locator('#violation')).toHaveCount(0);
  await expect(page.locator('#step-count')).toHaveText('step 11 / 12');
  await expect(page).toHaveURL(/step=11/);
  await page.locator('#scrubber').fill('0');
  await expect(page.locator('#step-count')).toHaveText('step 0 / 12');
  await expect(graph).toContainText('page pfn 0: mapping → inode #1');
  await page.click('#forward');
  await expect(page.locator('#step-count')).toHaveText('step 1 / 12');
});

const BAD = [
  ['scenario=nope', /scenario="nope".*accepted: self-deadlock.*Showing the default scenario, null-mapping\./],
  ['scenario=freed-inode&scenario=null-mapping', /scenario is given more than once \("freed-inode", then "null-mapping"\); the last one that is understood is used/],
  ['variant=v9', /variant="v9".*accepted: seed, v4\.19, v4\.19\.y, fixed/],
  ['truncate=some', /truncate="some".*accepted: one, all/],
  ['step=minus', /step="minus"/],
  ['scenario=null-mapping&schedule=mf*2&step=99', /step=99 is beyond the schedule's 2 steps/],
  ['seed=abc', /seed="abc"/],
  ['speed=100', /speed="100".*0\.25 to 20/],
  ['autoplay=maybe', /autoplay="maybe".*1 or 0/],
  ['scenario=lost-wakeup&variant=seed&compare=seed', /compare "seed" runs the same code as the view itself.*accepted: a variant whose code differs/],
  ['embed=maybe', /embed="maybe"/],
  ['colour=red', /Unknown URL parameter "colour"/],
  ['scenario=null-mapping&schedule=mf*2,zz', /"zz" is not a thread of this scenario/],
  ['scenario=null-mapping&variant=fixed&schedule=trunc*50', /cannot run/],
  ['scenario=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', /scenario="<img src=x onerror=alert\(1\)>"/],
];

test('each bad URL shows its message and the rest of the page works', async ({ page }) => {
  const errors = watchErrors(page);
  for (const [query, message] of BAD) {
    await page.goto(`/?${query}`);
    await expect(page.locator('.errors')).toContainText(message);
    await expect(page.locator('.errors img')).toHaveCount(0);
    await expect(page.locator('.thread').first()).toBeVisible();
    await page.locator('.thread .step:not([disabled])').first().click();
    await expect(page.locator('#narration')).toContainText('Step');
  }
  await page.goto('/?scenario=nope&variant=v9&colour=red');
  await shot(page, 'bad-url');
  expect(errors).toEqual([]);
});

test('keyboard shortcuts drive every control', async ({ page }) => {
  await page.goto('/?scenario=null-mapping&variant=seed&schedule=');
  await expect(page.locator('.thread').first()).toBeVisible(); // the app is listening for keys
  await page.locator('h1').click(); // a neutral spot: the body's centre may be a step button
  await page.keyboard.press('3'); // third column: trunc
  await expect(page.locator('#step-count')).toHaveText('step 1 / 1');
  await expect(page.locator('#narration')).toContainText('trunc');
  await page.keyboard.press('1');
  await expect(page.locator('#step-count')).toHaveText('step 2 / 2');
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('#step-count')).toHaveText('step 1 / 2');
  await page.keyboard.press('End');
  await expect(page.locator('#step-count')).toHaveText('step 2 / 2');
  await page.keyboard.press('Home');
  await expect(page.locator('#step-count')).toHaveText('step 0 / 2');
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toContainText('Keyboard shortcuts');
  await shot(page, 'help');
  await page.keyboard.press('Escape');
  // In a short window the dialog opens at its title, not scrolled to its Close button.
  await page.setViewportSize({ width: 800, height: 500 });
  await page.keyboard.press('?');
  const top = await page.locator('.overlay .dialog h2').evaluate((h) => h.getBoundingClientRect().top);
  expect(top).toBeGreaterThanOrEqual(0);
  expect(top).toBeLessThan(120);
  // ...and the focus is on something in view (the dialog, when its Close is below the fold).
  const focus = await page.evaluate(() => { const r = document.activeElement.getBoundingClientRect(); return [r.top, r.bottom, !!document.activeElement.closest('[role=dialog]')]; });
  expect(focus[2]).toBe(true);
  expect(focus[0]).toBeLessThan(500);
  expect(focus[0]).toBeGreaterThanOrEqual(0);
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(page.getByRole('dialog')).toHaveCount(0);
  // Every dialog takes the focus, keeps Tab inside (the page behind is inert), closes on
  // Escape and gives the focus back to its button, or, opened by a key, to the page.
  for (const [open, opener] of [[null, 'progress-button'], ['e', 'embed-button'], ['?', 'help-button']]) {
    if (open) await page.keyboard.press(open);
    else { await page.focus(`#${opener}`); await page.keyboard.press('Enter'); }
    await expect(page.getByRole('dialog')).toHaveCount(1);
    expect(await page.evaluate(() => !!document.activeElement.closest('[role=dialog]')), `${opener}: focus in the dialog`).toBe(true);
    for (let i = 0; i < 6; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement.closest('[role=dialog]')), `${opener}: Tab stays in the dialog`).toBe(true);
    await page.keyboard.press('ArrowRight'); // not a step behind the dialog
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    if (open) await expect(page.locator(`#${opener}`)).not.toBeFocused();
    else await expect(page.locator(`#${opener}`)).toBeFocused();
  }
  await expect(page.locator('#step-count')).toHaveText('step 0 / 2');
  await page.keyboard.press('r');
  await expect(page.locator('#step-count')).toHaveText('step 0 / 0');
  // Reset has an undo, until something else runs.
  await page.click('#undo-reset');
  await expect(page.locator('#step-count')).toHaveText('step 0 / 2');
  await page.keyboard.press('r');
  await expect(page.locator('#step-count')).toHaveText('step 0 / 0');
  await page.keyboard.press('f');
  await expect(page.locator('#violation')).toBeVisible();
  await expect(page.locator('.notice')).toContainText('Found null-deref');
  await page.keyboard.press('Home');
  // The help dialog, opened with ?, left the focus on the page: Space is Play.
  await page.keyboard.press(' ');
  await expect(page.locator('#play')).toHaveText(/Pause/);
  await page.keyboard.press('+');
  await expect(page.locator('#speed')).toHaveValue('4');
  await page.keyboard.press(' ');
  await expect(page.locator('#play')).toHaveText(/Play/);
  await page.keyboard.press('n');
  await expect(page.locator('.notice')).toContainText('Random run with seed 2');
  // Focus shortcuts reach the pickers and boxes; Escape leaves a box, keys work again
  // (without a mouse: → then steps instead of changing the variant).
  await page.keyboard.press('v');
  await expect(page.locator('#variant')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.locator('#variant')).not.toBeFocused();
  const variant = await page.locator('#variant').inputValue();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('#step-count')).toContainText(/^step 1 \//);
  await expect(page.locator('#variant')).toHaveValue(variant);
  await page.keyboard.press('k');
  await expect(page.locator('#schedule-box')).toBeFocused();
  await page.keyboard.press('Escape');
  await page.keyboard.press('c');
  await expect(page.locator('#scenario')).toBeFocused();
  await page.keyboard.press('Escape');
  // Space on a focused button presses that button; it does not start Play.
  await page.keyboard.press('Home');
  const step = page.locator('.thread .step:not([disabled])').first();
  await step.focus();
  await page.keyboard.press(' ');
  await expect(page.locator('#step-count')).toContainText(/^step 1 \//);
  await expect(page.locator('#play')).toHaveText(/Play/);
});

test('find a bug proves fixed clean and loads a counterexample under seed', async ({ page }) => {
  await page.goto('/?scenario=lost-wakeup&variant=fixed');
  await page.click('#find');
  await expect(page.locator('.notice')).toContainText(/No violation: all \d+ reachable states/, { timeout: 30_000 });
  await page.selectOption('#variant', 'exclusive-wait');
  await page.click('#find');
  await expect(page.locator('#violation')).toBeVisible({ timeout: 30_000 });
  await shot(page, 'find-a-bug-exclusive-wait');
});

test('the share link reproduces the exact view', async ({ page, context }) => {
  await page.goto('/?scenario=freed-inode&variant=v4.19&schedule=fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4&step=32');
  await page.click('#share');
  await expect(page.locator('.notice')).toContainText('Link to this view copied');
  const url = await page.locator('#share-url').inputValue();
  expect(url).toContain('step=32');
  const other = await context.newPage();
  await other.goto(url);
  await expect(other.locator('#step-count')).toHaveText('step 32 / 42');
  await expect(other.locator('#variant')).toHaveValue('v4.19');
});

test('a page without clipboard access says so, shows the link and keeps working', async ({ page }) => {
  // As on http://host/ (not a secure context): no navigator.clipboard at all.
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined }));
  await page.goto('/?scenario=null-mapping');
  await page.click('#share');
  await expect(page.locator('.notice')).toContainText('Could not copy the link');
  await expect(page.locator('.notice')).toContainText('scenario=null-mapping');
  // The Link box holds the address, selected, ready for Ctrl+C.
  await expect(page.locator('#share-url')).toBeFocused();
  expect(await page.evaluate(() => { const i = document.getElementById('share-url'); return i.selectionEnd - i.selectionStart === i.value.length && i.value.length > 0; })).toBe(true);
  await page.click('#forward');
  await expect(page.locator('#step-count')).toHaveText(/^step 1 \//);
  // A frame has no Link box: the notice itself holds the link to select.
  await page.goto('/?scenario=null-mapping&embed=1');
  await expect(page.locator('.thread').first()).toBeVisible();
  await page.keyboard.press('s');
  await expect(page.locator('.notice')).toContainText('Could not copy the link');
  await expect(page.locator('.notice')).toContainText('select it here: ');
});

test('a refused copy is not reported as copied', async ({ page }) => {
  await page.addInitScript(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('blocked by a permissions policy', 'NotAllowedError'));
  });
  await page.goto('/?scenario=null-mapping');
  await expect(page.locator('.thread').first()).toBeVisible();
  await page.keyboard.press('s');
  await expect(page.locator('.notice')).toContainText('Could not copy the link (blocked by a permissions policy)');
  await expect(page.locator('.notice')).not.toContainText('copied:');
});

test('an exception thrown through the wasm shows the error panel instead of a silent stop', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => { throw new TypeError('clipboard getter broke'); } }));
  await page.goto('/?scenario=null-mapping');
  await page.click('#share');
  await expect(page.locator('#panic-panel')).toBeVisible();
  await expect(page.locator('#panic-panel')).toContainText('clipboard getter broke');
});

test('a speed from the URL is the one the picker shows', async ({ page }) => {
  await page.goto('/?scenario=null-mapping&speed=4.5');
  await expect(page.locator('#speed')).toHaveValue('4.5');
  await expect(page).toHaveURL(/speed=4\.5/);
});

test('the seeded random run is reproducible', async ({ page }) => {
  await page.goto('/?scenario=lost-wakeup&variant=exclusive-wait&seed=5');
  const first = await page.locator('#schedule-box').inputValue();
  expect(first.length).toBeGreaterThan(0);
  await page.goto('/?scenario=lost-wakeup&variant=exclusive-wait&seed=5');
  await expect(page.locator('#schedule-box')).toHaveValue(first);
});

test('a phone-width frame shows the timeline on its first screen and names the code in words', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 600 });
  await page.goto('/?scenario=null-mapping&embed=1&step=10&fixes=c93db7bb6ef3,55e56f06ed71&truncate=all');
  await expect(page.locator('#timeline')).toBeVisible();
  const top = await page.locator('#timeline').evaluate((e) => e.getBoundingClientRect().top);
  expect(top).toBeLessThan(560);
  // The fix boxes and the wake picker are left to the full view, so the label says it all.
  await expect(page.locator('#fixes')).toBeHidden();
  await expect(page.locator('#truncate')).toBeHidden();
  const shown = () => page.locator('#release').evaluate((e) => e.innerText);
  expect(await shown()).toBe('v4.19 as released with 2 changed fixes (c93db7b, 55e56f0); truncate wakes all');
  await expect(page.locator('#release')).toHaveAttribute('title', /c93db7bb6ef3.*55e56f06ed71/);
  // The full view keeps its own words.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto('/?scenario=null-mapping&step=10&fixes=c93db7bb6ef3,55e56f06ed71&truncate=all');
  await expect(page.locator('#release')).toBeVisible();
  expect(await shown()).toBe('v4.19 as released with 2 changed fixes (ticked below)');
});

test('a compare view in an 800x500 frame shows both timelines on its first screen', async ({ page }) => {
  // The Embed button's own code keeps compare=: it once put the cards in a 180 px column and
  // the compare box below the frame.
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 800, height: 500 });
  await page.goto('/?scenario=freed-inode&variant=v4.19&compare=fixed&embed=1&step=30');
  await expect(page.locator('#timeline-compare')).toBeVisible();
  const boxes = await page.evaluate(() => ['.thread', '#timeline', '#timeline-compare']
    .map((q) => { const r = document.querySelector(q).getBoundingClientRect(); return [r.top, r.left, r.width]; }));
  for (const [top] of boxes.slice(1)) expect(top).toBeLessThan(400);
  expect(boxes[2][1]).toBeGreaterThan(boxes[1][1] + 200); // side by side
  // The cards share one row.
  const rows = await page.evaluate(() => new Set([...document.querySelectorAll('.thread')].map((e) => Math.round(e.getBoundingClientRect().top))).size);
  expect(rows).toBe(1);
  await page.screenshot({ path: '../test-results/screens/embed-compare.png' });
  expect(errors).toEqual([]);
});

test('at a violation the threads it stopped say "stopped", and the embed dialog shows its whole link', async ({ page }) => {
  // Found by the UX review of stop 38: a stopped thread's button read "done", and the plain
  // link of a long schedule ran out of the dialog.
  await page.goto('/?scenario=freed-inode&variant=seed');
  await expect(page.locator('#step-count')).toContainText('step 0 /');
  await page.keyboard.press('End');
  await expect(page.locator('#violation')).toBeVisible();
  const labels = await page.locator('.thread .step').allTextContents();
  expect(labels).toContain('stopped');
  await page.keyboard.press('e');
  const link = page.locator('#embed-link');
  await expect(link).toBeVisible();
  // Its paragraph holds it whole (it was 660 px of text in 595).
  const [scroll, client] = await link.evaluate((a) => [a.parentElement.scrollWidth, a.parentElement.clientWidth]);
  expect(scroll).toBeLessThanOrEqual(client);
});

test('a story left by a step off it or a reset comes back with the Story button', async ({ page }) => {
  // Found by the UX review of stop 38: one key off the story lost it until a reload.
  await page.goto('/?scenario=freed-inode&variant=seed');
  await expect(page.locator('#step-count')).toHaveText('step 0 / 42');
  await expect(page.locator('#load-story')).toHaveCount(0);
  await page.keyboard.press('2'); // the story runs fault first: this is its own step
  await expect(page.locator('#step-count')).toHaveText('step 1 / 42');
  await page.keyboard.press('1'); // mf is not its next (fault is): a history of the student's
  await expect(page.locator('#step-count')).toHaveText('step 2 / 2');
  await page.screenshot({ path: '../test-results/screens/story-button.png' });
  // By keyboard: the focus goes on to Play, not to the page's top.
  await page.focus('#load-story');
  await page.keyboard.press('Enter');
  await expect(page.locator('#step-count')).toHaveText('step 0 / 42');
  await expect(page.locator('.notice')).toContainText("The scenario's story is loaded (42 steps)");
  await expect(page.locator('#load-story')).toHaveCount(0);
  await expect(page.locator('#play')).toBeFocused();
});

test('a frame whose stage scrolls says so at its bottom edge until scrolled to the end', async ({ page }) => {
  // A message above the stage (here a schedule that cannot run whole) leaves it too short
  // for the figures: before, nothing showed that the rest was a scroll away.
  await page.setViewportSize({ width: 800, height: 500 });
  const hint = () => page.evaluate(() => {
    const main = document.querySelector('.embed > .main');
    const s = getComputedStyle(main, '::after');
    return { opacity: Number(s.opacity), content: s.content };
  });
  await page.goto('/?scenario=freed-inode&variant=seed&embed=1&schedule=mf*3,evict*9');
  await expect(page.locator('.errors')).toContainText('evict cannot run');
  const stage = page.locator('.embed .stage');
  expect(await stage.evaluate((e) => e.scrollHeight - e.clientHeight)).toBeGreaterThan(10);
  const shown = await hint();
  expect(shown.opacity).toBe(1);
  expect(shown.content).toContain('scroll for more');
  await page.screenshot({ path: '../test-results/screens/embed-scroll-hint.png' });
  await stage.evaluate((e) => { e.scrollTop = e.scrollHeight; });
  await expect.poll(async () => (await hint()).opacity).toBe(0);
  // A stage that fits shows none.
  await page.goto('/?scenario=freed-inode&variant=seed&embed=1&schedule=mf*3');
  await expect(page.locator('#step-count')).toContainText('step 3 /');
  expect(await stage.evaluate((e) => e.scrollHeight - e.clientHeight)).toBe(0);
  expect((await hint()).opacity).toBe(0);
});

test('six thread cards in an 800 px frame wrap their code between names, never inside one', async ({ page }) => {
  // Five cards to a row, ~20 characters each: "xfs_ilock(XFS_I(ino" | "de)," before the listing
  // marked where a line may wrap (after "(", before "->").
  await page.setViewportSize({ width: 800, height: 500 });
  await page.goto('/?scenario=freed-inode&threads=2&pages=2&variant=seed&embed=1');
  await expect(page.locator('.thread')).toHaveCount(6);
  const split = await page.evaluate(() => {
    const out = [];
    for (const code of document.querySelectorAll('.listing code')) {
      const walk = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (n.parentElement.closest('.note')) continue; // daxlab's prose may wrap anywhere
        for (const m of n.data.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
          if (m[0].length > 16) continue; // longer than a line may hold: it has to break
          const r = document.createRange();
          r.setStart(n, m.index);
          r.setEnd(n, m.index + m[0].length);
          const tops = new Set([...r.getClientRects()].filter((b) => b.width > 0).map((b) => Math.round(b.top)));
          if (tops.size > 1) out.push(m[0]);
        }
      }
    }
    return out;
  });
  expect(split, 'names split across lines').toEqual([]);
});

test('embed mode fits an 800x500 iframe without scrollbars, and shows the figures in 600x450', async ({ page, baseURL }) => {
  // The frame's console too, warnings included: its parent here (about:blank) has the origin
  // "null", which the view cannot post to; it used to try on every step, and Chromium warned
  // each time.
  const errors = watchErrors(page);
  page.on('console', (m) => { if (m.type() === 'warning') errors.push(m.text()); });
  for (const s of ['self-deadlock', 'lost-wakeup', 'hash-collision']) {
    await page.setContent(`<!doctype html><html><body style="margin:0">
      <p>Course notes</p>
      <iframe id="f" src="${baseURL}?scenario=${s}&step=10&embed=1" width="800" height="500" style="border:1px solid #999"></iframe>
      </body></html>`);
    const frame = page.frameLocator('#f');
    await expect(frame.locator('.thread').first()).toBeVisible();
    // No page header in a frame; only a visually hidden title for heading navigation.
    await expect(frame.locator('header.top')).toHaveCount(0);
    await expect(frame.locator('h1')).toHaveClass('visually-hidden');
    await expect(frame.locator('.full-view')).toBeVisible();
    const f = page.frame({ url: /embed=1/ });
    const sizes = await f.evaluate(() => {
      const e = document.scrollingElement;
      return { sh: e.scrollHeight, ch: e.clientHeight, sw: e.scrollWidth, cw: e.clientWidth };
    });
    expect(sizes.sh).toBeLessThanOrEqual(sizes.ch);
    expect(sizes.sw).toBeLessThanOrEqual(sizes.cw);
    // The stage scrolls inside the frame: no thread card spills over the graph or the timeline.
    const spills = await f.evaluate(() => {
      const cards = [...document.querySelectorAll('.thread')].map((e) => e.getBoundingClientRect());
      const figs = [...document.querySelectorAll('.graph-box, .timeline-box')].map((e) => e.getBoundingClientRect());
      return cards.some((c) => figs.some((o) => c.left < o.right && o.left < c.right && c.top < o.bottom && o.top < c.bottom));
    });
    expect(spills, `${s}: a thread card overlaps the graph or the timeline`).toBe(false);
    // The figures start in view: 150 px of each shows without scrolling (they began below
    // the frame's last 90 px when the cards showed their whole function).
    const tops = await f.evaluate(() => ['.graph-box', '.timeline-box'].map((q) => document.querySelector(q).getBoundingClientRect().top));
    for (const top of tops) expect(top, `${s}: a figure starts at ${top}`).toBeLessThanOrEqual(350);
    await page.screenshot({ path: `../test-results/screens/embed-${s}.png` });
  }
  // A lesson step or a challenge in a frame: the view with one line that links to the full
  // page (their panels do not fit a frame; the page's layout for them used to collapse the
  // cards under the figures).
  for (const [q, says] of [['scenario=null-mapping&variant=seed&schedule=&embed=1&challenge=null-deref', 'Challenge, level 1 of 8'],
    ['scenario=inode-reuse&variant=fixed&schedule=mf*6%2Creuse*13%2Cmf*2&step=20&embed=1&lesson=why-recheck&lesson_step=3', 'From the lesson']]) {
    await page.setContent(`<!doctype html><html><body style="margin:0">
      <iframe id="f" src="${baseURL}?${q}" width="800" height="500" style="border:0"></iframe>
      </body></html>`);
    const frame = page.frameLocator('#f');
    await expect(frame.locator('#embed-teaching')).toContainText(says);
    await expect(frame.locator('#embed-teaching a')).toHaveAttribute('href', /embed=0/);
    const f = page.frame({ url: /embed=1/ });
    const bad = await f.evaluate(() => {
      const boxes = [...document.querySelectorAll('.thread, .graph-box, .timeline-box')].map((e) => e.getBoundingClientRect());
      const overlap = boxes.some((a, i) => boxes.some((b, j) => i < j && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1));
      const squashed = boxes.some((b) => b.height < 60);
      return { overlap, squashed };
    });
    expect(bad, q).toEqual({ overlap: false, squashed: false });
  }
  // A course-notes column: in 600x450 the four cards keep one row, so the figures start in
  // the frame (they began at 520 px, below it, when the cards took two rows).
  await page.setContent(`<!doctype html><html><body style="margin:0">
    <iframe id="f" src="${baseURL}?scenario=freed-inode&embed=1" width="600" height="450" style="border:0"></iframe>
    </body></html>`);
  await expect(page.frameLocator('#f').locator('.thread')).toHaveCount(4);
  const small = page.frame({ url: /embed=1/ });
  const rows = await small.evaluate(() => new Set([...document.querySelectorAll('.thread')].map((e) => Math.round(e.getBoundingClientRect().top))).size);
  expect(rows, 'rows of thread cards at 600 px').toBe(1);
  // The fix boxes and the wake picker are left to the full view, as on a phone (they took
  // three rows and put the timeline's first lane at the frame's bottom edge): the label names
  // the code in force.
  await expect(page.frameLocator('#f').locator('#fixes')).toBeHidden();
  await expect(page.frameLocator('#f').locator('#truncate')).toBeHidden();
  await expect(page.frameLocator('#f').locator('#release')).toBeVisible();
  // The timeline starts in the frame with room for its lanes; the graph follows it at the
  // frame's width (side by side it had 250 px and 7 px text), and scrolling the stage reaches
  // all of it.
  const top = await small.evaluate(() => document.querySelector('.timeline-box').getBoundingClientRect().top);
  expect(top, 'the timeline starts in the upper three quarters of the 450 px frame').toBeLessThanOrEqual(330);
  const graph = await small.evaluate(() => {
    const stage = document.querySelector('.stage');
    stage.scrollTop = stage.scrollHeight;
    const g = document.querySelector('#object-graph').getBoundingClientRect();
    const text = document.querySelector('#object-graph text').getBoundingClientRect();
    return { width: g.width, bottom: g.bottom, textHeight: text.height };
  });
  expect(graph.width, 'the graph has the frame\'s width').toBeGreaterThan(540);
  expect(graph.textHeight, 'the graph\'s text is readable').toBeGreaterThanOrEqual(11);
  expect(graph.bottom, 'the stage scrolls to the graph\'s end').toBeLessThanOrEqual(450);
  await page.screenshot({ path: '../test-results/screens/embed-600x450.png' });
  expect(errors).toEqual([]);
});

test('a narration cut by its box says "more" until it is scrolled to its end', async ({ page }) => {
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 800, height: 500 });
  await page.goto('/?scenario=lost-wakeup&variant=v4.19&fixes=c93db7bb6ef3&embed=1');
  const n = page.locator('#narration');
  await expect(n).toBeVisible();
  const tag = () => n.evaluate((e) => ({
    more: e.scrollHeight - e.clientHeight,
    shown: getComputedStyle(e, '::after').visibility === 'visible',
  }));
  // The scenario's opening is longer than the embed's narration box.
  let t = await tag();
  expect(t.more).toBeGreaterThan(0);
  expect(t.shown).toBe(true);
  await page.screenshot({ path: '../test-results/screens/narration-more.png', clip: { x: 0, y: 60, width: 800, height: 120 } });
  await n.evaluate((e) => { e.scrollTop = e.scrollHeight; });
  await expect.poll(async () => (await tag()).shown).toBe(false);
  // A narration that fits has no tag.
  await page.keyboard.press('End');
  await expect(n).toContainText('Step 62');
  t = await tag();
  expect(t.more).toBe(0);
  expect(t.shown).toBe(false);
  expect(errors).toEqual([]);
});

test('a phone-width screen (360px) has no sideways page scroll', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/?scenario=freed-inode&variant=v4.19&schedule=fault*5,mf*14,fault*6,evict*10,rcu*3,mf*4');
  await expect(page.locator('#violation')).toBeVisible();
  const sw = await page.evaluate(() => document.scrollingElement.scrollWidth);
  expect(sw).toBeLessThanOrEqual(360);
  await shot(page, 'phone');
});

test('a panic inside wasm shows the error panel, not a blank page', async ({ page }) => {
  await page.goto('/?scenario=null-mapping');
  await expect(page.locator('.thread').first()).toBeVisible();
  await page.evaluate(() => { try { window.wasmBindings.trigger_panic_for_tests(); } catch (e) { /* trap */ } });
  await expect(page.locator('#panic-panel')).toBeVisible();
  await expect(page.locator('#panic-panel')).toContainText('panic requested by trigger_panic_for_tests');
});

test('memory failure\'s "Failed" says whose verdict it is, on the card and on hover', async ({ page }) => {
  // The story with the NULL check ends with mf's memory_failure() giving up on the page.
  await page.goto('/?scenario=lost-wakeup&variant=v4.19&fixes=c93db7bb6ef3');
  await page.click('#last');
  const status = page.locator('.thread[data-thread="mf"] .status');
  await expect(status).toContainText("finished: Failed (memory_failure()'s verdict on the page)");
  await expect(status).toHaveAttribute('title', /recovery action for dax page: Failed.*Not a failed fix/);
});
