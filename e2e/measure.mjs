// Prints the visualizer's speed and size figures from headless Chromium (not a test: figures
// for the README and closing notes). Run through scripts/measure.sh, which builds first.
//   - shipped size: gzip of the wasm, js and css in ../dist
//   - first render: navigation start to the app's first render (performance marks: its
//     rendered() hooks, and the view in the DOM before the browser lays it out), beside a
//     blank Yew app built the same way (target/blank-dist, built by measure.sh): reloads in
//     one renderer process (files cached, or revalidated), and first visits (a new browser
//     context per load: nothing cached, nothing compiled)
//   - step + re-render: p50/p95/max of one step (click to DOM patched and laid out), with the
//     timeline and the object graph on screen, on the largest scenario: fresh, after 10 000
//     step actions, and when stepping back
//   - step + re-render while the explorer searches in its worker, and the frame time
//     (requestAnimationFrame intervals) while scrolling or stepping, idle and during a search
//   - the explorer compiled to wasm vs native (best of 5 complete searches)
import { chromium } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawn, execFileSync } from 'node:child_process';

const PORT = Number(process.env.MEASURE_PORT ?? 8767);
const dist = '../dist';
let total = 0;
let page = 0;
for (const f of readdirSync(dist)) {
  if (/\.(wasm|js|css)$/.test(f)) {
    const raw = readFileSync(`${dist}/${f}`);
    const gz = gzipSync(raw, { level: 9 }).length;
    total += gz;
    // The page loads everything but the search worker, which starts on "Find a bug".
    if (!f.startsWith('daxlab-worker')) page += gz;
    console.log(`size ${f}: ${(raw.length / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip`);
  }
}
console.log(`size the page loads (wasm + js + css, gzip; the worker not included): ${(page / 1024).toFixed(1)} KiB (target 400 KiB)`);
console.log(`size total shipped, with the search worker (loaded on Find a bug): ${(total / 1024).toFixed(1)} KiB`);

// Each app is served twice, with two stated cache policies (serve.py): as a static host like
// GitHub Pages serves it (max-age=600: a reload takes the files from the browser's cache), and
// revalidated on every load (no-cache: one request per file, answered 304).
const CACHED = 'max-age=600', REVALIDATED = 'no-cache';
const serve = (port, dir, cc) => spawn('python3', ['serve.py', String(port), dir, cc], { stdio: 'ignore' });
const servers = [
  serve(PORT, dist, CACHED), serve(PORT + 1, '../target/blank-dist', CACHED),
  serve(PORT + 2, dist, REVALIDATED), serve(PORT + 3, '../target/blank-dist', REVALIDATED),
];
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const base = `http://127.0.0.1:${PORT}/`;
  // One load in page `p`: the app's marks once it has rendered. Nothing of Playwright's runs in
  // the page until the marks are set: its first waitForSelector or waitForFunction after a
  // navigation evaluates Playwright's injected script (13-17 ms of the main thread in a trace),
  // which landed inside daxlab's first render (it ends after the load event, which goto waits
  // for) and never inside the blank app's (done by then). So: wait in node, then read.
  let polled = 0;
  const marks = async (p, url, ready) => {
    await p.goto(url);
    await p.waitForTimeout(500);
    const read = () => p.evaluate(() => {
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN;
      // In the DOM: the end of Yew's first pass (daxlab-dom, set from a task queued by the
      // first view) when Yew yields to the browser before the rendered() hooks, else the
      // first-render mark (the hooks come first in that pass). Neither includes the browser's
      // own style and layout of the page.
      const dom = Math.min(at('daxlab-dom'), at('daxlab-first-render'));
      return { first: at('daxlab-first-render'), dom, start: at('daxlab-start'), fcp,
        state: at('daxlab-state') - at('daxlab-start'), view: at('daxlab-view') - at('daxlab-state'),
        toDom: dom - at('daxlab-view'), hooks: at('daxlab-first-render') - dom };
    });
    let m = await read();
    // A slow load (more than 0.5 s after its load event): poll, and say how often it happened.
    for (let i = 0; (Number.isNaN(m.first) || Number.isNaN(m.fcp)) && i < 100; i++) {
      if (i === 0) polled++;
      await p.waitForTimeout(100);
      m = await read();
    }
    await p.waitForSelector(ready);
    return m;
  };
  // First render: navigation start to the app's own mark after its first render. 21 rounds;
  // each loads the four (two apps, two cache policies) in a new random order, so all see the
  // same machine load. Each load starts from about:blank: leaving daxlab's page (its DOM, its
  // worker) takes the browser several ms after the next navigation has started, which made the
  // blank app after it ~4 ms slower when the loads followed one another directly.
  const firstRender = async (url, ready) => {
    await page.goto('about:blank');
    await page.waitForTimeout(20);
    return marks(page, url, ready);
  };
  const loads = [
    { url: `${base}?scenario=lost-wakeup&variant=exclusive-wait`, ready: '#timeline', runs: [] },
    { url: `http://127.0.0.1:${PORT + 1}/`, ready: 'main.blank', runs: [] },
    { url: `http://127.0.0.1:${PORT + 2}/?scenario=lost-wakeup&variant=exclusive-wait`, ready: '#timeline', runs: [] },
    { url: `http://127.0.0.1:${PORT + 3}/`, ready: 'main.blank', runs: [] },
  ];
  const ROUNDS = 21;
  for (let i = 0; i < ROUNDS; i++) {
    const order = loads.map((_, k) => [Math.random(), k]).sort((x, y) => x[0] - y[0]).map(([, k]) => k);
    for (const k of order) loads[k].runs.push(await firstRender(loads[k].url, loads[k].ready));
  }
  // A load whose marks never came (polling ran out) has NaN there: left out of that figure,
  // and counted, rather than sorted in (NaN breaks the sort).
  const got = (t, k) => t.map((x) => x[k]).filter((x) => !Number.isNaN(x));
  const quantile = (t, k, q) => {
    const v = got(t, k).sort((x, y) => x - y);
    return v[Math.round(q * (v.length - 1))];
  };
  const median = (t, k) => quantile(t, k, 0.5);
  const [app, empty, appRe, emptyRe] = loads.map((l) => l.runs);
  const line = (what, a, b, k = 'first') => {
    const [ma, mb] = [median(a, k), median(b, k)];
    const iqr = (t) => `${quantile(t, k, 0.25).toFixed(0)}-${quantile(t, k, 0.75).toFixed(0)}`;
    const to = k === 'first' ? 'first render' : 'first view in the DOM';
    const used = (t) => got(t, k).length;
    console.log(`${to}, ${what} (navigation start to ${k === 'first' ? 'the rendered() hooks' : 'the view in the DOM, before the browser lays it out'}, median of ${used(a)} and ${used(b)} loads, quartiles in brackets): daxlab ${ma.toFixed(0)} ms (${iqr(a)}), blank Yew app built the same way ${mb.toFixed(0)} ms (${iqr(b)}); ratio ${(ma / mb).toFixed(2)} ${k === 'first' ? '(target <= 1.5)' : '(beside the target, which is judged on the first render)'}`);
  };
  line(`files cached (${CACHED})`, app, empty);
  line(`files revalidated on every load (${REVALIDATED})`, appRe, emptyRe);
  line(`files cached (${CACHED})`, app, empty, 'dom');
  console.log(`  of which loading (to the wasm's start), cached: daxlab ${median(app, 'start').toFixed(0)} ms, blank ${median(empty, 'start').toFixed(0)} ms`);
  console.log(`  of which in daxlab's wasm, cached: the state from the URL ${median(app, 'state').toFixed(1)} ms, the first view ${median(app, 'view').toFixed(1)} ms, into the DOM (with the child components) ${median(app, 'toDom').toFixed(1)} ms, then to the rendered() hooks ${median(app, 'hooks').toFixed(1)} ms (Yew's yield, and any style and layout the browser does in it; Yew yielded in ${app.filter((m) => m.hooks > 0).length} of ${app.length} loads)`);
  console.log(`  first contentful paint (after style and layout), cached: daxlab ${median(app, 'fcp').toFixed(0)} ms, blank ${median(empty, 'fcp').toFixed(0)} ms; ratio ${(median(app, 'fcp') / median(empty, 'fcp')).toFixed(2)}`);

  // A first visit: each load in a new browser context, so a new renderer process with an empty
  // HTTP cache and no compiled code. The loads above reuse one renderer process (Playwright
  // turns the back-forward cache off), whose V8 keeps each module's compiled code between
  // loads; here V8 compiles every function on its first call (lazily, on the main thread).
  const firstVisit = async (url, ready) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      return await marks(await context.newPage(), url, ready);
    } finally {
      await context.close();
    }
  };
  const visits = [loads[0], loads[1]].map((l) => ({ ...l, runs: [] }));
  for (let i = 0; i < ROUNDS; i++) {
    for (const k of Math.random() < 0.5 ? [0, 1] : [1, 0]) {
      visits[k].runs.push(await firstVisit(visits[k].url, visits[k].ready));
    }
  }
  line('first visit (a new browser context per load: no cache, no compiled code)', visits[0].runs, visits[1].runs);
  line('first visit', visits[0].runs, visits[1].runs, 'dom');
  console.log(`  loads not rendered 0.5 s after their load event (then read every 100 ms): ${polled} of ${ROUNDS * 6}; never rendered (left out): ${[...loads, ...visits].flatMap((l) => l.runs).filter((m) => Number.isNaN(m.first)).length}`);
  console.log(`  of which loading (to the wasm's start), first visit: daxlab ${median(visits[0].runs, 'start').toFixed(0)} ms, blank ${median(visits[1].runs, 'start').toFixed(0)} ms`);

  // Times one action: from the click until Yew has patched the step counter (seen by a
  // MutationObserver) and layout is done (reading offsetHeight forces style and layout).
  // Installed in the page as window.__timeClick.
  await page.addInitScript(() => {
    window.__timeClick = async (b) => {
      // Resolves as soon as Yew patches the step counter, however it schedules the render.
      const counter = document.querySelector('#step-count');
      const patched = new Promise((resolve) => {
        const obs = new MutationObserver(() => { obs.disconnect(); resolve(); });
        obs.observe(counter, { childList: true, characterData: true, subtree: true });
        setTimeout(() => { obs.disconnect(); resolve(); }, 500);
      });
      const t0 = performance.now();
      b.click();
      await patched;
      void document.body.offsetHeight;
      return performance.now() - t0;
    };
  });
  const measure = (sel, n) => page.evaluate(async ([sel, n]) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const b = document.querySelector(sel);
      if (!b || b.disabled) break;
      times.push(await window.__timeClick(b));
    }
    return times;
  }, [sel, n]);
  const stats = (name, t) => {
    t.sort((a, b) => a - b);
    const q = (p) => t[Math.min(t.length - 1, Math.floor(p * t.length))];
    console.log(`${name}: n=${t.length} p50 ${q(0.5).toFixed(2)} ms, p95 ${q(0.95).toFixed(2)} ms, max ${t[t.length - 1].toFixed(2)} ms (budget 16 ms)`);
  };
  // The lost-wakeup story (v4.19 with c93db7bb6ef3: bug d), 62 steps.
  const story = 'wb*7,trunc*5,mf*13,mf2*12,wb*5,trunc*9,mf*9,mf2*2';
  await page.goto(`${base}?scenario=lost-wakeup&variant=v4.19&fixes=c93db7bb6ef3&schedule=${encodeURIComponent(story)}&step=0`);
  await page.waitForSelector('#timeline');
  stats('step forward (fresh page)', await measure('#forward', 62));
  stats('step back', await measure('#back', 62));
  // 10 000 step actions: run threads by their buttons, rewinding when the run ends.
  const actions = await page.evaluate(async () => {
    let n = 0;
    while (n < 10000) {
      const b = [...document.querySelectorAll('.thread .step')].find((x) => !x.disabled);
      if (b) { await window.__timeClick(b); n++; } else { document.querySelector('#reset').click(); await new Promise((r) => setTimeout(r, 1)); }
    }
    return n;
  });
  await page.click('#reset');
  const fresh = await page.evaluate(async () => {
    const times = [];
    for (let i = 0; i < 400; i++) {
      const b = [...document.querySelectorAll('.thread .step')].find((x) => !x.disabled);
      if (!b) { document.querySelector('#reset').click(); await new Promise((r) => setTimeout(r, 1)); continue; }
      times.push(await window.__timeClick(b));
    }
    return times;
  });
  stats(`run a thread's step (after ${actions} step actions)`, fresh);

  // Stepping while the explorer searches in its worker: each search is restarted when it ends,
  // so every timed step overlaps a running search.
  const duringSearch = async (url, n) => {
    await page.goto(url);
    await page.waitForSelector('.thread');
    return page.evaluate(async (n) => {
      const times = [];
      let searches = 0;
      while (times.length < n) {
        if (!document.querySelector('#search-progress')) {
          if (document.querySelector('#find').textContent.includes('Find')) {
            document.querySelector('#find').click();
            searches++;
          }
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        const b = [...document.querySelectorAll('.thread .step')].find((x) => !x.disabled);
        if (!b) { document.querySelector('#reset').click(); await new Promise((r) => setTimeout(r, 1)); continue; }
        times.push(await window.__timeClick(b));
      }
      return { times, searches };
    }, n);
  };
  const built = await duringSearch(`${base}?scenario=lost-wakeup&variant=fixed`, 200);
  stats(`step + re-render during searches of lost-wakeup (${built.searches} searches in the worker)`, built.times);
  const big = await duringSearch(`${base}?scenario=freed-inode&variant=fixed&threads=3&pages=3`, 200);
  stats(`step + re-render during a search of freed-inode 3x3 (${big.searches} search in the worker)`, big.times);

  // Frame time: requestAnimationFrame intervals over 3 s (vsync is 16.7 ms, so p95 16.7 means
  // no frame dropped), idle and during a search, while the page scrolls or while it steps
  // every other frame (30 steps a second, a held arrow key's rate).
  const frames = async (url, search, mode) => {
    await page.goto(url);
    await page.waitForSelector('.thread');
    return page.evaluate(async ([search, mode]) => {
      if (search) {
        document.querySelector('#find').click();
        while (!document.querySelector('#search-progress')) await new Promise((r) => setTimeout(r, 5));
      }
      const d = [];
      let last = performance.now();
      const end = last + 3000;
      await new Promise((done) => {
        const frame = (t) => {
          d.push(t - last);
          last = t;
          if (mode === 'scroll') {
            window.scrollTo(0, (d.length * 7) % 400);
          } else if (d.length % 2 === 0) {
            const b = [...document.querySelectorAll('.thread .step')].find((x) => !x.disabled);
            (b ?? document.querySelector('#reset')).click();
          }
          if (t < end && (!search || document.querySelector('#search-progress'))) requestAnimationFrame(frame); else done();
        };
        requestAnimationFrame(frame);
      });
      return d.slice(1);
    }, [search, mode]);
  };
  const scaled = `${base}?scenario=freed-inode&variant=fixed&threads=3&pages=3`;
  for (const mode of ['scroll', 'step']) {
    stats(`frame time, ${mode === 'scroll' ? 'scrolling' : 'stepping every other frame'}, freed-inode 3x3, no search`, await frames(scaled, false, mode));
    stats(`frame time, ${mode === 'scroll' ? 'scrolling' : 'stepping every other frame'}, during a search of freed-inode 3x3`, await frames(scaled, true, mode));
  }

  // The same search through the page's Find a bug, in the worker (ticks, progress messages
  // and all): the worker's own time from its verdict, best of 5 after a first run that
  // compiles the worker.
  await page.goto(`${base}?scenario=lost-wakeup&variant=fixed`);
  await page.waitForSelector('.thread');
  const inWorker = [];
  for (let i = 0; i < 6; i++) {
    await page.click('#reset');
    await page.click('#find');
    await page.waitForFunction(() => !document.querySelector('#search-progress'), null, { timeout: 60000 });
    const ms = Number((await page.locator('.notice').innerText()).match(/\(([\d.]+) ms\)/)?.[1]);
    if (i > 0) inWorker.push(ms);
  }
  console.log(`explorer in the page's worker (Find a bug), lost-wakeup under fixed: best ${Math.min(...inWorker).toFixed(0)} ms, median ${inWorker.sort((a, b) => a - b)[2].toFixed(0)} ms of 5`);

  const wasm = JSON.parse(await page.evaluate(() => window.wasmBindings.bench_explore('lost-wakeup', 'fixed', 5)));
  let native = 0;
  for (let i = 0; i < 5; i++) {
    // Unreduced, as bench_explore searches (the CLI's default is por+symmetry, another graph).
    const out = JSON.parse(execFileSync('../target/release/daxlab', ['explore', '--scenario', 'lost-wakeup', '--variant', 'fixed', '--reduction', 'none', '--json']));
    if (out.states !== wasm.states) throw new Error(`native searched ${out.states} states, wasm ${wasm.states}`);
    native = Math.max(native, out.states_per_second);
  }
  console.log(`explorer, lost-wakeup under fixed (${wasm.states} states): wasm in Chromium ${Math.round(wasm.states_per_second)} states/s (${wasm.millis.toFixed(1)} ms), native ${Math.round(native)} states/s; native/wasm = ${(native / wasm.states_per_second).toFixed(2)} (target <= 2)`);
} finally {
  await browser.close();
  servers.forEach((x) => x.kill());
}
