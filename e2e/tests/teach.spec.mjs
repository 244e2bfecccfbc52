// Teaching in the browser: challenges are played against a preemption budget, a step over the
// budget is refused, hints cost points, levels unlock in order and stay unlocked after a
// reload (localStorage), every level can be won (or, unbreakable, proven) in order, and the
// exported progress code reads back on the teacher's page.
import { test, expect } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';

// The first lesson step that asks a prediction: [lesson, step index].
function firstPrediction() {
  const lessons = readdirSync('../tutorials').filter((f) => f.endsWith('.md') && !['README.md', 'history.md', 'lab.md'].includes(f));
  for (const f of lessons.sort()) {
    const steps = readFileSync(`../tutorials/${f}`, 'utf8').split(/^## /m).slice(1);
    const k = steps.findIndex((s) => s.includes('```predict'));
    if (k >= 0) return [f.slice(0, -3), k];
  }
  throw new Error('no lesson asks a prediction');
}

const LEVELS = ['null-deref', 'deadlock', 'wrong-entry', 'unbreakable-recheck', 'use-after-free', 'lost-wakeup', 'truncate-wakeup', 'unbreakable-fixed'];

async function step(page, thread) {
  await page.click(`.thread[data-thread="${thread}"] .step`);
}

// Expand "a*3,b,c*2" into single steps.
function expand(schedule) {
  return schedule.split(',').flatMap((item) => {
    const [name, n] = item.split('*');
    return Array(Number(n ?? 1)).fill(name);
  });
}

test('level 1 is won within its budget, a step over the budget is refused, and level 2 unlocks and survives a reload', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/?challenge=deadlock');
  await expect(page.locator('#challenge-locked')).toContainText('Win level 1 first');
  await page.goto('/?challenge=null-deref');
  await expect(page.locator('#budget')).toContainText('Preemptions used: 0 of 1 (par 0)');
  await expect(page.locator('.preempt-note')).toHaveText('No thread has run yet: the first step is free.');
  // One preemption: trunc, then mf while trunc could still run.
  await step(page, 'trunc');
  await expect(page.locator('.preempt-note')).toContainText('Running any thread but trunc now is a preemption');
  await step(page, 'mf');
  await expect(page.locator('#budget')).toContainText('Preemptions used: 1 of 1');
  // A second one is refused, with a message naming the budget.
  await step(page, 'trunc');
  await expect(page.locator('.errors')).toContainText('Out of budget');
  await expect(page.locator('#step-count')).toHaveText('step 2 / 2');
  // Start over and win with no preemption at all: truncate first, to its end.
  await page.keyboard.press('Escape');
  await page.keyboard.press('r');
  await expect(page.locator('#budget')).toContainText('Preemptions used: 0 of 1');
  while (await page.locator('.thread[data-thread="trunc"] .step').isEnabled()) await step(page, 'trunc');
  while (!(await page.locator('#challenge-solved').isVisible())) await step(page, 'mf');
  await expect(page.locator('#challenge-solved')).toContainText('★ Goal reached with no preemption (par 0)');
  await expect(page.locator('#challenge-solved')).toContainText('10 of 10 points');
  await expect(page.locator('.preempt-note')).toHaveCount(0);
  await expect(page.locator('#debrief')).toContainText('c93db7bb6ef3');
  await expect(page.locator('#debrief a[href*="c93db7bb6ef3"]')).toHaveCount(1);
  await expect(page.locator('#debrief .report')).toContainText('NULL pointer dereference');
  await page.screenshot({ path: '../test-results/screens/challenge-won.png', fullPage: true });
  await page.click('#next-level');
  await expect(page.locator('#challenge h2')).toHaveText(/^Level 2 of 8/);
  await expect(page.locator('#challenge-locked')).toHaveCount(0);
  await page.reload();
  await expect(page.locator('#levels li.won')).toHaveCount(1);
  await expect(page.locator('#challenge-locked')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('hints are graded and cost points; every level is won or proven in order', async ({ page }) => {
  test.setTimeout(240_000);
  for (const [i, name] of LEVELS.entries()) {
    await page.goto(`/?challenge=${name}`);
    await expect(page.locator('#challenge h2')).toHaveText(new RegExp(`^Level ${i + 1} of 8`));
    if (name.startsWith('unbreakable')) {
      await expect(page.locator('#prove')).toBeDisabled();
      await page.locator('.thread .step:not([disabled])').first().click();
      await page.click('#prove');
      await expect(page.locator('#challenge-solved')).toContainText('Proven: the explorer searched all');
      if (name === 'unbreakable-fixed') await page.screenshot({ path: '../test-results/screens/challenge-proven.png', fullPage: true });
      continue;
    }
    // Take the four hints in order; the last is the whole solution from here.
    await expect(page.locator('#hint')).toContainText('the idea (−1 point)');
    await page.click('#hint');
    await expect(page.locator('#hints li')).toHaveCount(1);
    await expect(page.locator('#hint')).toContainText('what must happen first (−2 points)');
    await page.click('#hint');
    await expect(page.locator('#hint')).toContainText('which thread next (−3 points)');
    await page.click('#hint');
    const thread = await page.locator('#hint').getAttribute('data-thread');
    expect(thread).toBeTruthy();
    await expect(page.locator('#hints li.hint-3')).toContainText(`Run ${thread} next.`);
    await page.click('#hint');
    const solution = (await page.locator('#hints li.hint-4').textContent()).match(/From here: ([^ ]+) \(/)[1];
    expect(expand(solution)[0]).toBe(thread);
    for (const t of expand(solution)) await step(page, t);
    await expect(page.locator('#challenge-solved')).toContainText('★ Goal reached');
    // All four hints cost 12 points: nothing left of 10.
    await expect(page.locator('#challenge-solved')).toContainText('0 of 10 points');
    await expect(page.locator('#violation')).toBeVisible();
    if (name === 'use-after-free') await page.screenshot({ path: '../test-results/screens/challenge-hints.png', fullPage: true });
  }
  await expect(page.locator('#levels li.won')).toHaveCount(LEVELS.length);
});

test('the exported progress code reads back on the teacher page, bad lines named', async ({ page }) => {
  await page.goto('/?challenge=null-deref');
  while (await page.locator('.thread[data-thread="trunc"] .step').isEnabled()) await step(page, 'trunc');
  while (!(await page.locator('#challenge-solved').isVisible())) await step(page, 'mf');
  await page.click('#progress-button');
  const code = await page.locator('#progress-code').inputValue();
  expect(code).toMatch(/^DX1-[0-9A-Z-]+$/);
  await page.screenshot({ path: '../test-results/screens/progress-dialog.png' });
  await page.goto('/?teacher=1');
  await page.fill('#teacher-codes', `Ana: ${code}\nBen: DX1-0000\n`);
  const row = page.locator('#teacher-table tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row.locator('th')).toHaveText('Ana');
  await expect(row.locator('td').first()).toHaveText('★ 10');
  await expect(page.locator('#teacher .errors')).toContainText('Line 2 (Ben)');
  await page.screenshot({ path: '../test-results/screens/teacher.png', fullPage: true });
  // The page's address is the teacher's page alone, and a reload keeps the pasted codes.
  await expect(page).toHaveURL(/\?teacher=1$/);
  await page.reload();
  await expect(page.locator('#teacher-codes')).toHaveValue(`Ana: ${code}\nBen: DX1-0000\n`);
  await expect(row).toHaveCount(1);
  // The teacher's page has no single-key shortcuts (the visualizer is not drawn there): Space
  // and the arrows are the browser's, to scroll the table.
  const prevented = await page.evaluate(() => [' ', 'ArrowRight', '?'].map((key) => {
    const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
    document.body.dispatchEvent(e);
    return e.defaultPrevented;
  }));
  expect(prevented).toEqual([false, false, false]);
  // A bad parameter beside it is named on the teacher's page too.
  await page.goto('/?teacher=1&scenario=nosuch');
  await expect(page.locator('#teacher .messages .errors')).toContainText('nosuch');
});

test('a prediction is answered wrong and right: graded from the model, the first answer kept, Show me steps', async ({ page, browser }) => {
  const [lesson, k] = firstPrediction();
  const url = `/?lesson=${lesson}&lesson_step=${k}`;
  await page.goto(url);
  const p = page.locator('#prediction-0');
  await expect(p).toBeVisible();
  await expect(p.locator('[role=radiogroup] input[type=radio]').first()).toBeVisible();
  await expect(page.locator('#prediction-0-check')).toBeDisabled();
  // Keyboard: focus the first choice and select it with Space.
  await p.locator('input[type=radio]').first().focus();
  await page.keyboard.press('Space');
  await page.click('#prediction-0-check');
  const verdict = page.locator('#prediction-0-verdict');
  await expect(verdict).toBeVisible();
  const firstRight = (await verdict.textContent()).startsWith('✓');
  const answer = (await p.locator('label.right').textContent()).trim();
  await expect(p.locator('input[type=radio]').first()).toBeDisabled();
  await page.screenshot({ path: '../test-results/screens/prediction.png', fullPage: true });
  // Answer the other way in a fresh page: the revealed answer if the first was wrong, any other
  // choice if it was right.
  const other = await browser.newPage();
  await other.goto(url);
  const q = other.locator('#prediction-0');
  await expect(q.locator('input[type=radio]').first()).toBeVisible();
  const labels = q.locator('label');
  const n = await labels.count();
  for (let i = 0; i < n; i++) {
    const text = (await labels.nth(i).textContent()).trim();
    if ((text === answer) !== firstRight) { await labels.nth(i).click(); break; }
  }
  await other.click('#prediction-0-check');
  await expect(other.locator('#prediction-0-verdict')).toHaveText(firstRight ? /^✗ Not quite: the answer is/ : /^✓ Right\./);
  const before = await other.locator('#step-count').textContent();
  const show = other.locator('#prediction-0-show');
  if (await show.count()) {
    await show.click();
    await expect(other.locator('#step-count')).not.toHaveText(before);
  }
  // The first page's progress holds exactly one answer.
  await page.click('#progress-button');
  await expect(page.locator('#progress-dialog')).toContainText(`Predictions: ${firstRight ? 1 : 0} right of 1 answered`);
});

test('a prediction answered after stepping past its state counts as not right, and the page says so beforehand', async ({ page, browser }) => {
  // This step's question is about the next step ("Next, trunc runs …"): → shows its answer.
  const url = '/?lesson=what-is-dax&lesson_step=2';
  await page.goto(url);
  const p = page.locator('#prediction-0');
  await p.locator('label').first().click();
  await page.click('#prediction-0-check');
  const answer = (await p.locator('label.right').textContent()).trim();

  const other = await browser.newPage();
  await other.goto(url);
  const q = other.locator('#prediction-0');
  await expect(q.locator('input[type=radio]').first()).toBeVisible();
  await expect(other.locator('#prediction-0-away')).toHaveCount(0);
  const at = await other.locator('#step-count').textContent();
  await other.keyboard.press('ArrowRight');
  await expect(other.locator('#step-count')).not.toHaveText(at);
  await expect(other.locator('#prediction-0-away')).toContainText('You have stepped past it');
  // Its button goes back to the question's state.
  await expect(other.locator('#prediction-0-away button')).toHaveText("Back to the question's state");
  await other.keyboard.press('ArrowLeft');
  await expect(other.locator('#step-count')).toHaveText(at);
  // Back at the question's state, the note stays: the answer has been seen.
  await expect(other.locator('#prediction-0-away')).toHaveText('You have stepped past it: the step it asks about ran, so its answer has been on screen, and it counts as not right.');
  await q.locator('label', { hasText: answer }).click();
  await other.click('#prediction-0-check');
  await expect(other.locator('#prediction-0-verdict')).toContainText('✓ Right. (Counted as not right: you had stepped past the question');
  await other.click('#progress-button');
  await expect(other.locator('#progress-dialog')).toContainText('Predictions: 0 right of 1 answered');
  // A later visit answering right is told why the record says not right: the peek, kept
  // with the record.
  await other.goto(url);
  await other.locator('#prediction-0 label', { hasText: answer }).click();
  await other.click('#prediction-0-check');
  await expect(other.locator('#prediction-0-verdict')).toContainText('on an earlier visit you stepped past the question');
});

test('a challenge link whose steps reach the goal does not win the level; Random run is off', async ({ page }) => {
  // A teacher's solution link (the order level 1's debrief screenshot shows).
  await page.goto('/?scenario=null-mapping&variant=seed&schedule=trunc*8,mf*4&challenge=null-deref');
  await expect(page.locator('#violation h2')).toContainText('null-deref');
  await expect(page.locator('#over-budget')).toContainText('by the steps a link loaded, not by your play');
  await expect(page.locator('#challenge-solved')).toHaveCount(0);
  // Both tools that would choose the schedule are marked off beforehand, and say why.
  for (const id of ['random', 'find']) {
    await expect(page.locator(`#${id}`)).toHaveAttribute('aria-disabled', 'true');
    await expect(page.locator(`#${id}`)).toHaveAttribute('title', /is off in a challenge still to be won/);
  }
  // (A pointer still presses it, and hears why: Playwright waits for aria-disabled to go.)
  await page.click('#random', { force: true });
  await expect(page.locator('.errors')).toContainText('Random run is off in a challenge');
  await expect(page.locator('#challenge-solved')).toHaveCount(0);
  await page.click('#progress-button');
  await expect(page.locator('#progress-dialog')).toContainText('Levels won: 0 of 8');
});

test('hints taken before a reload still count, and the button says so', async ({ page }) => {
  await page.goto('/?challenge=null-deref');
  await page.click('#hint');
  await page.click('#hint');
  await expect(page.locator('#hints li')).toHaveCount(2);
  await page.reload();
  await expect(page.locator('#earlier-hints')).toContainText('2 hint(s) taken on an earlier visit');
  await expect(page.locator('#hint')).toContainText('the idea (already counted)');
  // Win without a preemption: truncate to its end, then memory failure.
  while (await page.locator('.thread[data-thread="trunc"] .step').isEnabled()) await step(page, 'trunc');
  while (!(await page.locator('#challenge-solved').isVisible())) await step(page, 'mf');
  await expect(page.locator('#challenge-solved')).toContainText('7 of 10 points');
});
