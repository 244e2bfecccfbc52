// Lessons, challenges and course notes: every link in every lesson opens without an error
// message and reaches the state the lesson says (its "expect: KIND" title); every lesson can be
// followed with Next; the
// standalone lesson pages and the course-notes demo load their embedded views.
import { test, expect } from '@playwright/test';
import { readFileSync, readdirSync } from 'node:fs';

const DIR = '../tutorials';
// Every markdown file but the index and the history page is a lesson.
const LESSONS = readdirSync(DIR).filter((f) => f.endsWith('.md') && !['README.md', 'history.md', 'lab.md'].includes(f)).map((f) => f.slice(0, -3));
// The challenges, in level order (core/src/teach/challenge.rs).
const CHALLENGES = ['null-deref', 'deadlock', 'wrong-entry', 'unbreakable-recheck', 'use-after-free', 'lost-wakeup', 'truncate-wakeup', 'unbreakable-fixed'];
const LINK = /\]\((\?[^\s)]+)(?:\s+"expect: ([a-z-]+)")?\)/g;

async function expectState(page, expectKind, where) {
  await expect(page.locator('.thread').first(), where).toBeVisible();
  await expect(page.locator('.errors'), where).toHaveCount(0);
  if (!expectKind) return;
  if (expectKind === 'completed') {
    await expect(page.locator('.completed'), where).toBeVisible();
  } else if (expectKind === 'running') {
    await expect(page.locator('#violation'), where).toHaveCount(0);
    await expect(page.locator('.completed'), where).toHaveCount(0);
  } else {
    await expect(page.locator('#violation h2'), where).toHaveText(new RegExp(`^✖ ${expectKind}:`));
  }
}

test('there are at least five lessons and every link in them has an expectation', () => {
  expect(LESSONS.length).toBeGreaterThanOrEqual(5);
  for (const l of LESSONS) {
    const links = [...readFileSync(`${DIR}/${l}.md`, 'utf8').matchAll(LINK)];
    expect(links.length, l).toBeGreaterThan(2);
    for (const m of links) expect(m[2], `${l}: ${m[1]}`).toBeTruthy();
  }
});

for (const lesson of LESSONS) {
  test(`every link of lesson ${lesson} reaches its state`, async ({ page }) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    for (const [, url, kind] of readFileSync(`${DIR}/${lesson}.md`, 'utf8').matchAll(LINK)) {
      await page.goto(`/${url}`);
      await expectState(page, kind, `${lesson}: ${url}`);
    }
    expect(errors).toEqual([]);
  });

  test(`lesson ${lesson} can be followed with Next`, async ({ page }) => {
    await page.goto(`/?lesson=${lesson}`);
    const progress = page.locator('#lesson-progress');
    await expect(progress).toHaveText(/^step 1 of (\d+)$/);
    const n = Number((await progress.textContent()).match(/of (\d+)/)[1]);
    for (let k = 1; k <= n; k++) {
      await expect(progress).toHaveText(`step ${k} of ${n}`);
      await expect(page.locator('.errors')).toHaveCount(0);
      await expect(page.locator('.lesson-body a').first()).toBeVisible();
      // The step's state is the one its first app link describes.
      const href = await page.locator('.lesson-body a[href^="?"]').first().getAttribute('href');
      const kind = (await page.locator('.lesson-body a[href^="?"]').first().getAttribute('title') ?? '').replace('expect: ', '');
      if (!href.includes('challenge=')) await expectState(page, kind, `${lesson} step ${k}`);
      if (k === 1) await page.screenshot({ path: `../test-results/screens/lesson-${lesson}.png`, fullPage: true });
      // Next is in the window at every step (it was 116 px below an 800 px window on a first
      // step), so pressing it never scrolls the page.
      const inWindow = await page.locator('#lesson-next').evaluate((e) => {
        const r = e.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight;
      });
      expect(inWindow, `${lesson} step ${k}: Next in the window`).toBe(true);
      if (k < n) {
        await page.click('#lesson-next');
        expect(await page.evaluate(() => scrollY), `${lesson} step ${k}: the page stays put`).toBe(0);
      }
    }
    await expect(page.locator('#lesson-next')).toBeDisabled();
    await page.keyboard.press('[');
    await expect(progress).toHaveText(`step ${n - 1} of ${n}`);
  });
}

test('the header links every lesson, the lesson index and the course-notes demo', async ({ page }) => {
  await page.goto('/');
  const nav = page.locator('nav.learn');
  await expect(nav.locator('a[href^="?lesson="]')).toHaveCount(LESSONS.length);
  await nav.locator('a', { hasText: 'all lessons and challenges' }).click();
  await expect(page.locator('h1')).toHaveText('daxlab lessons');
  await page.goBack();
  await nav.locator('a', { hasText: '3' }).click();
  await expect(page.locator('#lesson-progress')).toHaveText(/^step 1 of/);
});

test('the embed dialog gives iframe code and a plain link for the current view', async ({ page }) => {
  await page.goto('/?scenario=null-mapping&variant=seed&schedule=trunc*8,mf*4&step=8');
  await expect(page.locator('.thread').first()).toBeVisible(); // the app is listening for keys
  await page.keyboard.press('e');
  const code = await page.locator('#embed-code').inputValue();
  expect(code).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?scenario=null-mapping&amp;variant=seed&amp;schedule=trunc\*8%2Cmf\*4&amp;step=8&amp;embed=1" width="800" height="500"/);
  await expect(page.locator('#embed-link')).toHaveAttribute('href', /step=8/);
  await page.screenshot({ path: '../test-results/screens/embed-dialog.png' });
});

test('a lesson fetches its prose; when it cannot, it says so and the steps still work', async ({ page }) => {
  // The page's wasm carries the lessons' steps but not their text (lessons/NAME.json).
  const asked = [];
  page.on('request', (r) => { if (r.url().endsWith('.json')) asked.push(new URL(r.url()).pathname); });
  await page.goto('/?lesson=why-recheck');
  await expect(page.locator('.lesson-intro')).toContainText('Objectives');
  await expect(page.locator('.lesson-body a').first()).toBeVisible();
  await page.click('#lesson-next');
  await expect(page.locator('#lesson-progress')).toHaveText(/^step 2 of/);
  await expect(page.locator('.lesson-body')).not.toBeEmpty();
  expect(asked).toEqual(['/lessons/why-recheck.json']); // once per lesson
  await page.route('**/lessons/exclusive-waits.json', (r) => r.fulfill({ status: 404, body: 'gone' }));
  await page.goto('/?lesson=exclusive-waits');
  const missing = page.locator('.lesson-missing [role=alert]');
  await expect(missing).toContainText('lessons/exclusive-waits.json: HTTP 404');
  await expect(missing.locator('a')).toHaveAttribute('href', 'lessons/exclusive-waits.html');
  await page.click('#lesson-next');
  await expect(page.locator('#lesson-progress')).toHaveText(/^step 2 of/);
  await expect(page.locator('.thread').first()).toBeVisible();
});

test('the history page fits the screen: its commit table scrolls inside the column', async ({ page }) => {
  for (const [width, height] of [[1280, 800], [390, 844]]) {
    await page.setViewportSize({ width, height });
    await page.goto('/lessons/history.html');
    await expect(page.locator('table').first()).toBeVisible();
    const [sw, cw] = await page.evaluate(() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]);
    expect(sw, `history.html at ${width} px`).toBeLessThanOrEqual(cw);
  }
});

test('standalone lesson pages and the course-notes demo load their embedded views', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Nothing they load is missing.
  page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
  await page.goto('/lessons/index.html');
  await expect(page.locator('main li a[href$=".html"]')).toHaveCount(LESSONS.length);
  await expect(page.locator('a.challenge')).toHaveCount(CHALLENGES.length);
  for (const l of LESSONS) {
    await page.goto(`/lessons/${l}.html`);
    // An icon of its own: without one the browser asks the server for /favicon.ico (a 404).
    await expect(page.locator('link[rel="icon"]'), l).toHaveAttribute('href', '../static/favicon.svg');
    const frames = page.locator('iframe');
    const n = await frames.count();
    expect(n, l).toBeGreaterThan(2);
    for (let i = 0; i < n; i++) {
      await frames.nth(i).scrollIntoViewIfNeeded();
      const f = page.frameLocator('iframe').nth(i);
      await expect(f.locator('.thread').first(), `${l} iframe ${i}`).toBeVisible();
      await expect(f.locator('.errors'), `${l} iframe ${i}`).toHaveCount(0);
    }
  }
  await page.goto('/static/course-notes.html');
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', 'favicon.svg');
  await expect(page.locator('iframe')).toHaveCount(3);
  for (let i = 0; i < 3; i++) {
    await page.locator('iframe').nth(i).scrollIntoViewIfNeeded();
    await expect(page.frameLocator('iframe').nth(i).locator('.thread').first()).toBeVisible();
    await expect(page.frameLocator('iframe').nth(i).locator('.errors')).toHaveCount(0);
  }
  await page.screenshot({ path: '../test-results/screens/course-notes.png', fullPage: true });
  expect(errors).toEqual([]);
});

test('on a phone a lesson prediction links down to the figures it asks about', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/?lesson=locking-a-page&lesson_step=0');
  const link = page.locator('.prediction .to-figures a').first();
  await expect(link).toBeVisible();
  await link.click();
  const top = await page.locator('#object-graph').evaluate((e) => e.getBoundingClientRect().top);
  expect(top).toBeGreaterThanOrEqual(0);
  expect(top).toBeLessThan(844 - 100);
  // On a laptop screen the figures are in sight beside the lesson: no link.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(link).toBeHidden();
});
