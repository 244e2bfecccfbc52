// Prints the visualizer's speed and size figures from headless Chromium (not a test: figures
// for the README and closing notes). Run through scripts/measure.sh, which builds first.
//   - shipped size: gzip of the wasm, js and css in ../dist
//   - first render: navigation start to the first thread column on screen
//   - step + re-render: p50/p95/max of one step (click to DOM patched and laid out) on the
//     largest scenario, fresh, after 10 000 step actions, and when stepping back
//   - the explorer compiled to wasm vs native (best of 5 complete searches)
import { chromium } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawn, execFileSync } from 'node:child_process';

const PORT = Number(process.env.MEASURE_PORT ?? 8767);
const dist = '../dist';
let total = 0;
for (const f of readdirSync(dist)) {
  if (/\.(wasm|js|css)$/.test(f)) {
    const raw = readFileSync(`${dist}/${f}`);
    const gz = gzipSync(raw, { level: 9 }).length;
    total += gz;
    console.log(`size ${f}: ${(raw.length / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip`);
  }
}
console.log(`size total shipped (wasm + js + css, gzip): ${(total / 1024).toFixed(1)} KiB (target 400 KiB)`);

const server = spawn('python3', ['-m', 'http.server', String(PORT), '--bind', '127.0.0.1', '--directory', dist], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const base = `http://127.0.0.1:${PORT}/`;
  const firsts = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${base}?scenario=lost-wakeup&variant=exclusive-wait`);
    await page.waitForSelector('.thread');
    firsts.push(await page.evaluate(() => performance.now()));
  }
  firsts.sort((a, b) => a - b);
  console.log(`first render (navigation start to thread columns): median ${firsts[2].toFixed(0)} ms of 5 loads`);

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
  const story = 'fault*4,trunc*5,mf*14,fault2*5,fault*5,trunc*8,mf*7';
  await page.goto(`${base}?scenario=lost-wakeup&variant=exclusive-wait&schedule=${encodeURIComponent(story)}&step=0`);
  await page.waitForSelector('.thread');
  stats('step forward (fresh page)', await measure('#forward', 48));
  stats('step back', await measure('#back', 48));
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

  const wasm = JSON.parse(await page.evaluate(() => window.wasmBindings.bench_explore('lost-wakeup', 'fixed', 5)));
  let native = 0;
  for (let i = 0; i < 5; i++) {
    const out = JSON.parse(execFileSync('../target/release/daxlab', ['explore', '--scenario', 'lost-wakeup', '--variant', 'fixed', '--json']));
    native = Math.max(native, out.states_per_second);
  }
  console.log(`explorer, lost-wakeup under fixed (${wasm.states} states): wasm in Chromium ${Math.round(wasm.states_per_second)} states/s (${wasm.millis.toFixed(1)} ms), native ${Math.round(native)} states/s; native/wasm = ${(native / wasm.states_per_second).toFixed(2)} (target <= 2)`);
} finally {
  await browser.close();
  server.kill();
}
