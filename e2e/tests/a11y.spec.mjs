// axe-core over the views a student or teacher meets: the main view, a lesson, a
// challenge and the embed view (light and dark). No serious or critical violation is allowed;
// every violation found is printed with its nodes so a failure says what to fix.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { frames, installSkewClock, settled } from './settled.mjs';

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

// Keyboard and screen-reader use beyond axe (review24): where the focus goes after an action,
// what the live regions say, and the single-key shortcuts' switch.
// Loads a view and waits until the app has drawn it.
const open = async (page, url) => {
  await page.goto(url);
  await expect(page.locator('#timeline')).toBeVisible();
  await settled(page);
};
const focusedId = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

test('the focus stays on a working control when the focused one is disabled or replaced', async ({ page }) => {
  await open(page, '/?scenario=null-mapping&variant=v4.19');
  await expect(page.locator('#step-count')).toHaveText(/step 0 \//);
  // Last at the end is disabled: the focus goes to Back, not to the page.
  await page.focus('#last');
  await page.keyboard.press('Enter');
  await expect(page.locator('#last')).toBeDisabled();
  await expect.poll(() => focusedId(page)).toBe('back');
  // First at the start: to Forward.
  await page.focus('#first');
  await page.keyboard.press('Enter');
  await expect.poll(() => focusedId(page)).toBe('forward');
  // Find a bug becomes Stop search and back: the same control keeps the focus. The same
  // element, too: a replaced one drops the focus to the page until the rendered() hooks put
  // it back, which can come a frame or more after the violation shows.
  await page.focus('#find');
  await page.evaluate(() => { window.findButton = document.getElementById('find'); });
  await page.keyboard.press('Enter');
  await expect(page.locator('#violation')).toBeVisible();
  await expect.poll(() => focusedId(page)).toBe('find');
  expect(await page.evaluate(() => window.findButton === document.getElementById('find'))).toBe(true);
  // A Step button whose thread can no longer run hands the focus to a runnable one.
  await open(page, '/?scenario=self-deadlock&variant=seed&schedule=fault*5');
  const mf = page.locator('#step-mf');
  await mf.focus();
  for (let i = 0; i < 30 && await mf.isEnabled(); i++) await page.keyboard.press('Enter');
  await expect(mf).toBeDisabled();
  // Not mf's own (Chromium keeps a just-disabled button focused until its next frame).
  await expect.poll(() => focusedId(page)).toMatch(/^step-(?!mf$)|^scrubber$/);
  expect(await page.evaluate(() => !document.activeElement.disabled)).toBe(true);
  // Reset's Undo, once used, hands the focus to Reset.
  await page.keyboard.press('r');
  await page.focus('#undo-reset');
  await page.keyboard.press('Enter');
  await expect.poll(() => focusedId(page)).toBe('reset');
  // The tables close back onto their button.
  await page.keyboard.press('a');
  await expect(page.locator('#data-tables')).toBeFocused();
  await page.keyboard.press('a');
  await expect(page.locator('#tables-button')).toBeFocused();
  // A mouse click leaves the focus where the browser puts it: Space after clicking Last plays
  // from the start, it does not press Back.
  await open(page, '/?scenario=null-mapping&variant=v4.19&step=5');
  await page.click('#last');
  expect(await focusedId(page)).not.toBe('back');
});

test('live regions: no progress figures, no narration while playing, hints read out', async ({ page }) => {
  await open(page, '/?scenario=lost-wakeup&variant=v4.19');
  await page.keyboard.press(' ');
  await expect(page.locator('#narration')).toHaveAttribute('aria-live', 'off');
  await page.keyboard.press(' ');
  await expect(page.locator('#narration')).toHaveAttribute('aria-live', 'polite');
  // Where Play stopped is read out (the narration was silent while it played).
  await expect(page.locator('#announce')).toHaveText(/^Stopped at step \d+ of \d+\. /);
  // A run that completes: read out from the status region, not from a region inserted filled.
  await open(page, '/?scenario=null-mapping&variant=fixed&schedule=trunc*8,mf*6,fault*15&step=0');
  await page.keyboard.press('End');
  await expect(page.locator('.completed')).toBeVisible();
  await expect(page.locator('.completed')).not.toHaveAttribute('role', /./);
  await expect(page.locator('#announce')).toHaveText('✓ Every thread finished without a violation.');
  await open(page, '/?threads=3&pages=3&variant=fixed');
  // Everything the status region says during a search: its start and its verdict, once each.
  await page.evaluate(() => {
    window.__said = [];
    const a = document.getElementById('announce');
    new MutationObserver(() => { if (a.textContent) window.__said.push(a.textContent); })
      .observe(a, { childList: true, characterData: true, subtree: true });
  });
  await page.keyboard.press('f');
  await expect(page.locator('#search-progress')).toBeVisible();
  await expect(page.locator('#search-progress')).not.toHaveAttribute('aria-live', /./);
  await expect(page.locator('#search-progress')).not.toHaveAttribute('role', /./);
  await expect(page.locator('#announce')).toHaveAttribute('role', 'status');
  await expect(page.locator('.notice')).not.toHaveAttribute('role', /./);
  await expect(page.locator('#find')).toHaveText('Find a bug', { timeout: 30_000 });
  const said = await page.evaluate(() => window.__said);
  expect(said[0]).toBe('Searching every interleaving…');
  expect(said.length, said.join(' | ')).toBe(2);
  expect(said[1]).toMatch(/^(No violation|Found)/);
  // A hint taken: the focus goes to its text, not to the next (dearer) hint's button.
  await open(page, '/?challenge=null-deref');
  await page.keyboard.press('h');
  await expect(page.locator('#hint')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#hint-1')).toBeFocused();
  await expect(page.locator('#hints li')).toHaveCount(1);
});

test('a challenge left by one arrow key on a picker comes back as it was', async ({ page }) => {
  await open(page, '/?challenge=null-deref');
  for (const k of ['1', '1', '1']) await page.keyboard.press(k);
  await expect(page.locator('#step-count')).toHaveText(/^step 3 \//);
  const count = await page.locator('#step-count').textContent();
  await page.focus('#variant');
  await page.keyboard.press('ArrowDown');
  await expect(page.locator('#left-challenge')).toBeVisible();
  await page.focus('#back-to-challenge');
  await page.keyboard.press('Enter');
  await expect(page.locator('#left-challenge')).toHaveCount(0);
  await expect(page.locator('#hint')).toBeVisible();
  await expect(page.locator('#step-count')).toHaveText(count);
  // The focus goes to the challenge, and the page says where the student is.
  await expect(page.locator('#challenge-title')).toBeFocused();
  await expect(page.locator('#announce')).toHaveText(/^Back in the challenge “A NULL mapping”, at step 3 of 3\./);
  // A comparison open when the challenge was left comes back with it.
  await page.selectOption('#compare', 'fixed');
  await expect(page.locator('#compare')).toHaveValue('fixed');
  await page.focus('#variant');
  await page.keyboard.press('ArrowDown');
  await page.click('#back-to-challenge');
  await expect(page.locator('#compare')).toHaveValue('fixed');
});

test('a dialog takes and gives back the focus before the next key is handled, when Yew yields too', async ({ page }) => {
  // Yew yields to the browser when a render runs past 16 ms (a slow machine), before its
  // rendered() hooks; a key pressed then (Space after ?) went to the page instead of the
  // dialog's Close, and the help stayed open (a CI failure). Here every render yields: the
  // clock that Yew reads for its deadline jumps a second at each reading while the key is
  // handled. A timer set before the key fires at the first chance a next key would have:
  // the focus must be placed by then.
  await open(page, '/?scenario=null-mapping&variant=v4.19');
  await installSkewClock(page);
  const focusAfterKey = (key) => page.evaluate((key) => new Promise(resolve => {
    const clock = window.skewClock();
    setTimeout(() => {
      clock.restore();
      resolve({
        // Yew read the clock for its deadline and again after running the update: so it
        // yielded there (if it ever stops reading Date.now, this says so).
        clockRead: clock.readings() >= 2,
        focus: document.activeElement === document.body ? 'the page'
          : document.activeElement?.id || document.activeElement?.textContent,
        dialog: document.querySelectorAll('[role=dialog]').length,
      });
    }, 0);
    document.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  }), key);
  expect(await focusAfterKey('?')).toEqual({ clockRead: true, focus: 'Close (Esc)', dialog: 1 });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  // Opened by its button, the help gives the focus back to it as it closes.
  await page.click('#help-button');
  await expect(page.locator('.overlay button', { hasText: 'Close' })).toBeFocused();
  expect(await focusAfterKey('Escape')).toEqual({ clockRead: true, focus: 'help-button', dialog: 0 });
});

test('a key pressed while Yew yields after a render has its default prevented at once', async ({ page }) => {
  // Yew yields before a long render's rendered() hooks; a key pressed then reaches the App's
  // update only afterwards, when preventing its default (Space scrolling the page, an arrow
  // scrolling it sideways) is too late: the page decides as the key is pressed. As in the
  // dialog's test, the clock Yew reads jumps a second at each reading, so it yields after the
  // first ArrowRight's render; the second ArrowRight is pressed in that yield. (Keys sent from
  // a script run Yew's update only after the script, so the old code failed both here.)
  await open(page, '/?scenario=null-mapping&variant=v4.19');
  await installSkewClock(page);
  const r = await page.evaluate(() => new Promise(resolve => {
    const clock = window.skewClock();
    const step = () => document.getElementById('step-count').textContent.match(/^step \d+/)[0];
    const key = () => {
      const e = new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true, cancelable: true });
      document.body.dispatchEvent(e);
      return e.defaultPrevented;
    };
    const first = key();
    // Set after the key: it fires once Yew has patched the DOM and yielded, before its hooks.
    setTimeout(() => {
      const before = step();
      const second = key();
      // Had Yew not been yielding, the second key's update would run before this task.
      queueMicrotask(() => {
        clock.restore();
        resolve({ first, second, steps: [before, step()] });
      });
    }, 0);
  }));
  // The first key's step is drawn, the second waits for Yew to come back: it yielded.
  expect(r).toEqual({ first: true, second: true, steps: ['step 1', 'step 1'] });
  // Both keys act, in order.
  await expect(page.locator('#step-count')).toHaveText(/^step 2 \//);
});

test('the single-key shortcuts can be turned off, and stay off', async ({ page }) => {
  await open(page, '/?scenario=null-mapping&variant=v4.19');
  // The help opens on Close, not on the switch: ? then Space does not turn the keys off.
  await page.keyboard.press('?');
  await page.keyboard.press(' ');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.locator('#step-count')).toHaveText(/step 0 \//);
  await page.click('#help-button');
  await expect(page.locator('#reset')).toHaveAttribute('aria-keyshortcuts', 'r');
  await page.uncheck('#char-keys');
  await page.keyboard.press('Escape');
  await page.keyboard.press('1');
  await expect(page.locator('#step-count')).toHaveText(/step 0 \//);
  // Keys that do nothing are no longer advertised; the arrows still are.
  await expect(page.locator('#reset')).not.toHaveAttribute('aria-keyshortcuts', /./);
  await expect(page.locator('#reset')).toHaveAttribute('title', '↺ Reset');
  await expect(page.locator('#back')).toHaveAttribute('aria-keyshortcuts', 'ArrowLeft');
  for (const id of ['play', 'share', 'tables-button', 'builder-toggle', 'export-json', 'zoom-in']) {
    await expect(page.locator(`#${id}`), id).not.toHaveAttribute('aria-keyshortcuts', /./);
  }
  await expect(page.locator('#step-mf')).toHaveAttribute('title', "Run mf's next step");
  await page.reload();
  await expect(page.locator('#timeline')).toBeVisible();
  await page.keyboard.press('1');
  await page.keyboard.press('?');
  await expect(page.locator('#step-count')).toHaveText(/step 0 \//);
  await expect(page.getByRole('dialog')).toHaveCount(0);
  // The arrows still move through the history.
  await page.keyboard.press('End');
  await expect(page.locator('#step-count')).not.toHaveText(/step 0 \//);
  // A frame has no help: its Keys on button is the way back.
  await page.setViewportSize({ width: 800, height: 500 });
  await open(page, '/?scenario=null-mapping&variant=v4.19&embed=1');
  await page.keyboard.press('1');
  await expect(page.locator('#step-count')).toHaveText(/step 0 \//);
  // In an 800 px frame the transport still fits one line with Keys on in it: no label breaks
  // under its symbol.
  const transport = await page.evaluate(() => [...document.querySelectorAll('.transport > button, .transport > a, .transport > label:not(.scrub), #step-count')]
    .map((e) => { const r = e.getBoundingClientRect(); return [e.id || e.className, Math.round(r.top), Math.round(r.height)]; }));
  const tops = transport.map((t) => t[1]);
  expect(Math.max(...tops) - Math.min(...tops), JSON.stringify(transport)).toBeLessThan(10);
  for (const [what, , h] of transport) expect(h, what).toBeLessThan(26);
  // Narrower frames wrap the row between controls: none runs past the frame or out of its box.
  for (const width of [720, 650, 600]) {
    await page.setViewportSize({ width, height: 500 });
    const bad = await page.evaluate((w) => [...document.querySelectorAll('.controls button, .controls a, .controls label')]
      .filter((e) => e.getBoundingClientRect().right > w + 0.5 || (e.tagName === 'BUTTON' && e.scrollWidth > e.clientWidth + 1))
      .map((e) => e.id || e.textContent), width);
    expect(bad, `${width} px`).toEqual([]);
  }
  await page.click('#char-keys-on');
  await expect(page.locator('#char-keys-on')).toHaveCount(0);
  await page.keyboard.press('1');
  await expect(page.locator('#step-count')).toHaveText(/step 1 \//);
  await open(page, '/?scenario=null-mapping&variant=v4.19');
  await page.click('#help-button');
  await expect(page.locator('#char-keys')).toBeChecked();
  await page.uncheck('#char-keys');
  await page.check('#char-keys');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.keyboard.press('Home');
  await page.keyboard.press('1');
  await expect(page.locator('#step-count')).toHaveText(/step 1 \//);
});

test("a card's whole kernel path shows when it has the focus, from the keyboard too", async ({ page }) => {
  await open(page, '/?scenario=freed-inode&variant=v4.19');
  const path = page.locator('.thread[data-thread=fault] .path');
  const cut = () => path.evaluate((e) => e.scrollWidth > e.clientWidth);
  const over = () => path.evaluate((e) => getComputedStyle(e, '::after').content);
  const current = page.locator('.thread[data-thread=fault] .listing .current');
  const currentTop = () => current.evaluate((e) => e.getBoundingClientRect().top);
  // Cut short; the whole text is its tooltip (and in the accessibility tree).
  expect(await cut()).toBe(true);
  const whole = await path.getAttribute('title');
  await expect(path).toHaveText(whole);
  // A click on Step leaves it as it is (the card does not change under the pointer).
  await page.click('#step-fault');
  // The step's hooks (which scroll the current line into its listing) have run.
  await expect(page.locator('#step-count')).toHaveText(/^step 1 \//);
  await frames(page);
  expect(await cut()).toBe(true);
  expect(await over()).toBe('none');
  const top = await currentTop();
  // Tab from the card's Step button reaches it. On one screen (1280x800) the cards have fixed
  // heights: it shows whole over the lines below it, and the current line stays where it was.
  await page.keyboard.press('Tab');
  await expect(path).toBeFocused();
  expect(await over()).toContain(whole);
  expect(await currentTop()).toBe(top);
  await expect(current).toBeInViewport();
  // The next Tab goes on to the listing, and the path is cut short again.
  await page.keyboard.press('Tab');
  await expect(page.locator('.thread[data-thread=fault] .listing')).toBeFocused();
  expect(await over()).toBe('none');
  // At 390 px the cards grow: the path wraps in place.
  await page.setViewportSize({ width: 390, height: 800 });
  await path.focus();
  expect(await cut()).toBe(false);
  expect(await over()).toBe('none');
  expect(await path.evaluate((e) => e.getBoundingClientRect().height)).toBeGreaterThan(20);
  // Its focus ring (outline and offset) stays clear of the buttons' row above it and of the
  // line below it.
  const room = await path.evaluate((e) => {
    const st = getComputedStyle(e);
    const ring = parseFloat(st.outlineWidth) + parseFloat(st.outlineOffset);
    const r = e.getBoundingClientRect();
    const above = e.previousElementSibling.getBoundingClientRect();
    const below = e.nextElementSibling.getBoundingClientRect();
    return { visible: e.matches(':focus-visible'), ring, above: r.top - ring - above.bottom, below: below.top - (r.bottom + ring) };
  });
  expect(room.visible, JSON.stringify(room)).toBe(true);
  expect(room.ring, JSON.stringify(room)).toBeGreaterThan(0);
  expect(room.above, JSON.stringify(room)).toBeGreaterThanOrEqual(0);
  expect(room.below, JSON.stringify(room)).toBeGreaterThanOrEqual(0);
});

test('the first Tab stop skips to the threads, without touching the address', async ({ page }) => {
  await open(page, '/?scenario=null-mapping&variant=v4.19');
  await page.keyboard.press('Tab');
  await expect(page.locator('.skip-link')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#threads-h')).toBeFocused();
  expect(new URL(page.url()).hash).toBe('');
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement.closest('.thread')?.dataset.thread)).toBe('mf');
});

test('lesson Next moves the focus to the new step, read from its title', async ({ page }) => {
  await open(page, '/?lesson=why-recheck');
  await page.focus('#lesson-next');
  await page.keyboard.press('Enter');
  await expect(page.locator('#lesson-step-title')).toBeFocused();
  // ] too: the same heading keeps the focus, so wait for the next step's title in it first.
  const second = await page.locator('#lesson-step-title').textContent();
  await page.keyboard.press(']');
  await expect(page.locator('#lesson-step-title')).not.toHaveText(second);
  await expect(page.locator('#lesson-step-title')).toBeFocused();
});
