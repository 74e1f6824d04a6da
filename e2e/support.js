// Shared helpers for the end-to-end tests: a static server for dist/ under a
// sub-path, Debian's Chromium through playwright-core, and console capture.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

/** Where screenshots go; the tests print it so people can open them. */
export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

/** Serves `dir` under `basePath` (e.g. "/courses/patterns/playground/") on a free loopback port. */
export async function serveDist(dir, basePath) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (!url.pathname.startsWith(basePath)) {
      res.writeHead(404).end('outside the base path');
      return;
    }
    let rel = decodeURIComponent(url.pathname.slice(basePath.length)) || 'index.html';
    const file = path.join(root, rel);
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end('not found');
      return;
    }
    // As a host must for <iframe sandbox="allow-scripts"> embeds (docs/embed.md): their origin is opaque.
    res.writeHead(200, {
      'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
      'access-control-allow-origin': '*',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}${basePath}`, close: () => new Promise((r) => server.close(r)) };
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-dev-shm-usage',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Records console errors, page errors and failed requests of `page`. */
export function collectProblems(page) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  // A load cut off by the test's own navigation (`page.goto` while the
  // favicon is on its way) is aborted, not failed; a missing file still
  // shows as its HTTP status below.
  page.on('requestfailed', (req) => {
    if (req.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return problems;
}

/** Writes a screenshot and returns its path. */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** What a screen reader hears for a stage node or link: its name, which
 * stays put, then its state, the description it points to (the state
 * changes every frame, and a focused element's changed name is read again). */
export const spoken = (locator) =>
  locator.evaluate((el) =>
    [el.getAttribute('aria-label'), document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent]
      .filter(Boolean)
      .join(', '),
  );

/** Counts animation frames for `ms` of wall time. */
export const framesIn = (page, ms) =>
  page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        let n = 0;
        const start = performance.now();
        const tick = () => {
          n++;
          if (performance.now() - start < ms) requestAnimationFrame(tick);
          else resolve(n);
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );

/** Opens the app at `baseUrl + query` in a new context (desktop size unless
 * `options` say otherwise) and waits for the running clock. */
export async function openApp(browser, baseUrl, query = '', options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...options });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(baseUrl + query);
  await page.getByTestId('clock').waitFor({ timeout: 15000 });
  return { context, page, problems };
}

/** Registers the usual fixture for a test file: `dist/` served under a
 * course-like sub-path and one Chromium, both closed at the end. Returns
 * `{ browser, server, open }`, filled in once `before` has run. */
export function useApp() {
  const app = {};
  before(async () => {
    app.server = await serveDist('dist', '/courses/patterns/playground/');
    app.browser = await launchChromium();
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  app.open = (query = '', options = {}) => openApp(app.browser, app.server.url, query, options);
  /** Opens the app and waits until an `at=` fast-forward has reached its time. */
  app.openAt = async (query, options = {}) => {
    const opened = await app.open(query, options);
    const at = Number(new URLSearchParams(query).get('at') ?? 0);
    await opened.page.waitForFunction(
      (t) =>
        !document.querySelector('[data-testid=fast-forward]') &&
        parseFloat(document.querySelector('[data-testid=clock]').textContent) >= t,
      at,
      { timeout: 60000 },
    );
    return opened;
  };
  return app;
}

/** Waits until a lesson has reached step `k` (from 1) at `t` s: no fast-forward, paused. */
export async function atStep(page, k, t) {
  await page.waitForFunction(
    ([k, t]) =>
      /^Step (\d+) of/.exec(document.querySelector('[data-testid=lesson-step]')?.textContent ?? '')?.[1] === String(k) &&
      !document.querySelector('[data-testid=fast-forward]') &&
      Math.abs(parseFloat(document.querySelector('[data-testid=clock]').textContent) - t) < 0.05 &&
      document.querySelector('[data-testid=play]')?.textContent === 'Play',
    [k, t],
    { timeout: 90000 },
  );
}
