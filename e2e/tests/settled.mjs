// Waits until the app's first rendered() hooks have run. On a slow machine Yew's scheduler
// yields to the browser (after 16 ms) between putting the first view in the DOM and those
// hooks, and a key pressed in that yield is handled only after them, with its default action
// already taken (CI once lost a Space this way); what the hooks do (the current lines
// scrolled into their listings, the timeline measured) is not done before either.
export const settled = (page) =>
  page.waitForFunction(() => performance.getEntriesByName('daxlab-first-render').length > 0);

// Two frames: a render that Yew split with a yield (its rendered() hooks in a timer task after
// the DOM patch) has finished by then.
export const frames = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

// Makes every render yield, for tests of what happens in Yew's yield: defines
// `window.skewClock()` in the page, which makes the clock Yew reads for its 16 ms deadline jump
// a second at each reading, and returns `{ readings(), restore() }`.
export const installSkewClock = (page) =>
  page.evaluate(() => {
    window.skewClock = () => {
      const now = Date.now;
      let readings = 0;
      Date.now = () => now.call(Date) + 1000 * readings++;
      return { readings: () => readings, restore: () => { Date.now = now; } };
    };
  });
