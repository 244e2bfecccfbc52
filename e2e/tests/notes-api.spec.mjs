// The course-notes API (web/src/notes_api.rs): the example page static/notes-example.html
// drives an embedded view with postMessage and shows the state events it posts back; messages
// from anyone but the embedding page, and malformed ones, are ignored with a console warning.
import { test, expect } from '@playwright/test';

const shot = (page, name) => page.screenshot({ path: `../test-results/screens/${name}.png`, fullPage: true });

function watch(page) {
  const seen = { errors: [], warnings: [] };
  page.on('pageerror', (e) => seen.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') seen.errors.push(m.text());
    if (m.type() === 'warning') seen.warnings.push(m.text());
  });
  return seen;
}

async function openNotes(page) {
  await page.goto('/static/notes-example.html');
  const view = page.frameLocator('#view');
  await expect(view.locator('.thread').first()).toBeVisible();
  await expect(page.locator('#s-step')).toHaveText('0 of 0');
  return view;
}

async function clickTimes(page, id, n) {
  for (let i = 0; i < n; i++) await page.click(id);
}

test('the example course notes drive the embedded view and hear every change', async ({ page }) => {
  const seen = watch(page);
  const view = await openNotes(page);
  await expect(page.locator('#s-runnable')).toHaveText('mf, fault, trunc');

  await clickTimes(page, '#step-trunc', 8);
  await expect(page.locator('#s-step')).toHaveText('8 of 8');
  await expect(page.locator('#s-thread')).toHaveText('trunc');
  await expect(page.locator('#commentary')).toContainText('Truncate is at work');
  await clickTimes(page, '#step-mf', 4);
  await expect(page.locator('#s-step')).toHaveText('12 of 12');
  await expect(page.locator('#s-thread')).toHaveText('mf');
  await expect(page.locator('#s-line')).toContainText('dax_lock_mapping_entry:');
  await expect(page.locator('#s-narration')).not.toHaveText('–');
  await expect(page.locator('#s-violation')).toContainText('null-deref by mf');
  await expect(page.locator('#commentary')).toContainText('bug a');
  // The view itself shows the same violation.
  await expect(view.locator('#violation')).toContainText('mf');
  await expect.poll(async () => Number(await page.locator('#events').textContent())).toBeGreaterThanOrEqual(13);

  // Back to step 3 of the history: the last step is truncate's, and there is no violation.
  await page.fill('#goto-step', '3');
  await page.click('#goto');
  await expect(page.locator('#s-step')).toHaveText('3 of 12');
  await expect(page.locator('#s-violation')).toHaveText('none');

  // The iframe takes the view's height when asked: squeezed to 300 px first (the compact
  // embed now fits the example's 480 px), it grows to the view's content.
  await page.locator('#view').evaluate((f) => { f.style.height = '300px'; });
  await page.click('#fit');
  await expect.poll(async () => page.locator('#view').evaluate((f) => parseInt(f.style.height, 10) || 0))
    .toBeGreaterThan(300);
  // At its content's height the view hides nothing.
  for (const sel of ['.daxlab', '.stage']) {
    await expect.poll(async () => view.locator(sel).evaluate((e) => e.scrollHeight - e.clientHeight))
      .toBeLessThanOrEqual(1);
  }

  // A scenario written as text, then the explorer on it.
  await page.click('#load');
  await expect(page.locator('#s-runnable')).toHaveText('mf, mf2, fault, fault2');
  await expect(page.locator('#s-step')).toHaveText('0 of 0');
  await expect(view.locator('#scenario')).toHaveValue('');
  await expect(view.locator('#scenario option:checked')).toHaveText('written as text (threads=)');
  await page.click('#find-bug');
  await expect(page.locator('#s-violation')).not.toHaveText('none', { timeout: 30_000 });
  await expect(page.locator('#s-violation')).not.toHaveText('–');
  await expect(page.locator('#commentary')).toContainText(/bug a|stopped at/);
  await shot(page, 'notes-example-driven');
  expect(seen.errors).toEqual([]);
});

test('messages from another origin, a sibling frame or malformed are ignored', async ({ page }) => {
  const seen = watch(page);
  // A page of another origin inside the notes tries to drive the daxlab frame.
  await page.route('http://foreign.invalid/**', (route) => route.fulfill({
    contentType: 'text/html',
    body: `<script>
      const view = parent.frames[0];
      view.postMessage({ type: 'daxlab:step', thread: 'trunc' }, '*');
      view.postMessage({ type: 'daxlab:load', query: '?scenario=self-deadlock&embed=1' }, '*');
      document.title = 'sent';
    </script>`,
  }));
  const view = await openNotes(page);
  const before = await page.locator('#events').textContent();
  await page.evaluate(() => {
    const f = document.createElement('iframe');
    f.src = 'http://foreign.invalid/attack.html';
    document.body.append(f);
  });
  await expect.poll(() => seen.warnings.filter((w) => w.includes('ignored a message from "http://foreign.invalid"')).length)
    .toBe(2);

  // The embedding page itself, with malformed messages and HTML in a query.
  await page.evaluate(() => {
    const w = document.getElementById('view').contentWindow;
    const o = location.origin;
    w.postMessage('<img src=x onerror="window.pwned=1">', o);
    w.postMessage({ type: 'daxlab:goto', step: -3 }, o);
    w.postMessage({ type: 'daxlab:step', thread: '<b>nobody</b>' }, o);
    w.postMessage({ type: 'daxlab:explode' }, o);
  });
  await expect.poll(() => seen.warnings.filter((w) => w.includes('daxlab: ignored')).length).toBe(6);
  expect(seen.warnings.join('\n')).toContain('a message must be an object');
  expect(seen.warnings.join('\n')).toContain('step -3 is not accepted');
  expect(seen.warnings.join('\n')).toContain('"<b>nobody</b>" is not a thread of this scenario');

  // Nothing changed: same scenario at step 0, no new state event.
  await expect(page.locator('#s-step')).toHaveText('0 of 0');
  await expect(page.locator('#events')).toHaveText(before);
  await expect(view.locator('#scenario')).toHaveValue('null-mapping');

  // A load with HTML in it shows the bad value as text, never as markup.
  await page.evaluate(() => {
    document.getElementById('view').contentWindow.postMessage(
      { type: 'daxlab:load', query: '?scenario=<img src=x onerror="window.pwned=1">&embed=1' }, location.origin);
  });
  await expect(view.locator('.errors')).toContainText('<img src=x');
  await expect(view.locator('.errors img')).toHaveCount(0);
  expect(await page.frame({ url: /index\.html/ }).evaluate(() => window.pwned)).toBeUndefined();

  // The teacher's page is not a view the notes can turn the frame into; the load is still
  // answered with the state, as every load is.
  const events = Number(await page.locator('#events').textContent());
  await page.evaluate(() => {
    document.getElementById('view').contentWindow.postMessage({ type: 'daxlab:load', query: '?teacher=1' }, location.origin);
  });
  await expect.poll(() => seen.warnings.filter((w) => w.includes('opens only as a page of its own')).length).toBe(1);
  await expect(view.locator('#scenario')).toBeVisible();
  await expect.poll(async () => Number(await page.locator('#events').textContent())).toBe(events + 1);
  expect(seen.errors).toEqual([]);
});

test("a daxlab:load keeps the student's choice to turn the single-key shortcuts off", async ({ page }) => {
  // Turned off in this browser (the help's switch keeps it in localStorage).
  await page.addInitScript(() => localStorage.setItem('daxlab-keys', 'off'));
  const view = await openNotes(page);
  await expect(view.locator('#char-keys-on')).toBeVisible();
  await page.evaluate(() => document.getElementById('view').contentWindow
    .postMessage({ type: 'daxlab:load', query: '?scenario=lost-wakeup&embed=1' }, location.origin));
  await expect(view.locator('.thread h3').first()).toContainText(/./);
  await expect(page.locator('#s-runnable')).not.toHaveText('mf, fault, trunc');
  // The course's new view did not turn them back on: the frame still offers Keys on, and a
  // digit steps nothing.
  await expect(view.locator('#char-keys-on')).toBeVisible();
  await view.locator('#step-count').click();
  await page.keyboard.press('1');
  await expect(view.locator('#step-count')).toHaveText(/^step 0 \//);
});
