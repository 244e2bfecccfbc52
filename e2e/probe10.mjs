import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
const PORT = 8800;
const server = spawn('python3', ['-m', 'http.server', String(PORT), '--bind', '127.0.0.1', '--directory', '../dist'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 800));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const url = `http://127.0.0.1:${PORT}/?scenario=lost-wakeup&variant=exclusive-wait`;
  await page.goto(url); await page.waitForSelector('#timeline');
  await browser.startTracing(page, { path: '/tmp/probe/load.json', categories: ['devtools.timeline', 'v8.execute', 'blink.user_timing', 'loading'] });
  await page.goto(url); await page.waitForSelector('#timeline');
  await new Promise((r) => setTimeout(r, 300));
  await browser.stopTracing();
  console.log(await page.evaluate(() => ['daxlab-start','daxlab-state','daxlab-view','daxlab-first-render'].map(n => n + ' ' + performance.getEntriesByName(n)[0]?.startTime.toFixed(1)).join(', ')));
} finally { await browser.close(); server.kill(); }
