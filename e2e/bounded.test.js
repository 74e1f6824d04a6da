// Bounded work whatever the input: fast-forwards run in slices across frames
// with a progress indicator and Cancel, a run that cannot keep up says the
// speed it reaches, and "Next notable" gives up after a simulated minute.
// Timings are never asserted as performance: only that frames keep coming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectProblems, useApp, screenshot } from './support.js';

const app = useApp();
const open = app.open;

/** True when the element lies within the first `width` CSS pixels (nothing runs off a phone's screen). */
const fitsWithin = (page, testid, width) =>
  page.getByTestId(testid).evaluate((el, width) => el.getBoundingClientRect().right <= width, width);

const seconds = async (page) => Number((await page.getByTestId('clock').textContent()).trim().split(' ')[0]);
const progressNow = async (page) => Number(await page.getByTestId('fast-forward-progress').getAttribute('aria-valuenow'));

/** Starts counting animation frames in the page: how many, and the longest gap between two. */
async function countFrames(page) {
  await page.evaluate(() => {
    const f = { n: 0, last: 0, maxGap: 0 };
    window.__frames = f;
    const tick = (t) => {
      if (f.last) f.maxGap = Math.max(f.maxGap, t - f.last);
      f.last = t;
      f.n++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}
const frames = (page) => page.evaluate(() => ({ n: window.__frames.n, maxGap: window.__frames.maxGap }));

test('an hour of stress-2000 fast-forwards in slices: progress, frames keep coming, then the run', async () => {
  const { context, page, problems } = await open('?scenario=stress-2000&at=3600');
  const progress = page.getByTestId('fast-forward-progress');
  await progress.waitFor({ timeout: 5000 });
  assert.equal(await progress.getAttribute('role'), 'progressbar');
  assert.equal(await progress.getAttribute('aria-valuemax'), '3600');
  assert.match(await page.getByTestId('fast-forward').textContent(), /Fast-forwarding to 3,600 s/);
  await countFrames(page);
  let lastNow = -1;
  let lastFrames = 0;
  // Every few seconds: frames arrived, the progress moved, the page answers.
  while (await progress.isVisible()) {
    await page.waitForTimeout(3000);
    const f = await frames(page);
    assert.ok(f.n > lastFrames, `animation frames keep coming (${f.n})`);
    assert.ok(f.maxGap < 1000, `no frame waits a second (longest gap ${f.maxGap.toFixed(0)} ms)`);
    lastFrames = f.n;
    if (await progress.isVisible().catch(() => false)) {
      const now = await progressNow(page).catch(() => lastNow);
      assert.ok(now >= lastNow, `progress goes forward (${lastNow} → ${now})`);
      lastNow = now;
    }
  }
  assert.ok((await seconds(page)) >= 3600, `the run is at an hour in (${await seconds(page)} s)`);
  assert.equal(await page.getByTestId('play').getAttribute('data-playing'), 'true', 'and playing');
  const at = await seconds(page);
  await page.waitForTimeout(500);
  assert.ok((await seconds(page)) > at, 'the clock moves on');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Cancel and Escape stop a fast-forward where it got to', async () => {
  const { context, page, problems } = await open('?scenario=stress-2000&at=3600', {
    viewport: { width: 700, height: 900 },
  });
  const progress = page.getByTestId('fast-forward-progress');
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=fast-forward-progress]')?.getAttribute('aria-valuenow')) >= 2,
    null,
    { timeout: 20000, polling: 100 },
  );
  await screenshot(page, 'fast-forward-700');
  assert.ok(await fitsWithin(page, 'fast-forward', 700), 'the progress box fits');
  await page.getByTestId('fast-forward-cancel').click();
  await progress.waitFor({ state: 'detached', timeout: 2000 });
  assert.equal(await page.getByTestId('play').getAttribute('data-playing'), 'false', 'paused where it got to');
  const stopped = await seconds(page);
  assert.ok(stopped >= 2 && stopped < 3600, `stopped at ${stopped} s`);
  await page.waitForTimeout(500);
  assert.equal(await seconds(page), stopped, 'the clock stands still');
  // Next notable starts another fast-forward; Escape stops it even with focus on the button.
  await page.getByTestId('step-notable').click();
  await page.keyboard.press('Escape');
  assert.equal(await page.getByTestId('fast-forward').count(), 0, 'Escape cancelled the search');
  assert.deepEqual(problems, []);
  await context.close();
});

test('cascade at=1e12 shows progress at once (capped at an hour) and can be cancelled', async () => {
  // A phone with a CPU four times slower: the hour of cascade takes a few seconds, not one.
  const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await context.newPage();
  const problems = collectProblems(page);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.goto(app.server.url + '?scenario=cascade&at=1e12');
  const progress = page.getByTestId('fast-forward-progress');
  await progress.waitFor({ timeout: 30000 });
  assert.ok(await page.getByRole('heading', { level: 1, name: 'Patchbay' }).isVisible(), 'the page is not blank');
  assert.equal(await progress.getAttribute('aria-valuemax'), '3600');
  assert.match(await progress.getAttribute('aria-valuetext'), /of 3,600 simulated seconds/);
  await screenshot(page, 'fast-forward-phone');
  assert.ok(await fitsWithin(page, 'fast-forward', 390), 'the progress box fits the phone');
  await page.keyboard.press('Escape');
  await progress.waitFor({ state: 'detached', timeout: 2000 });
  const stopped = await seconds(page);
  assert.ok(stopped < 3600, `stopped at ${stopped} s`);
  assert.equal(await page.getByTestId('play').getAttribute('data-playing'), 'false', 'paused where it got to');
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [name, options] of [
  ['desktop', {}],
  ['700', { viewport: { width: 700, height: 900 } }],
  ['phone', { viewport: { width: 390, height: 844 }, isMobile: true }],
]) {
  test(`stress-2000 at ×100 says the speed it reaches (${name})`, async () => {
    const { context, page, problems } = await open('?scenario=stress-2000&speed=100', options);
    const reached = page.getByTestId('speed-reached');
    await page.waitForFunction(
      () => /reached/.test(document.querySelector('[data-testid=speed-reached]').textContent),
      null,
      { timeout: 15000, polling: 100 },
    );
    assert.match(await reached.textContent(), /^×100 asked, (×[\d.]+|under ×0\.01) reached$/);
    assert.ok(await reached.isVisible());
    // Screen readers get it with the slider, as its description.
    assert.equal(await page.getByTestId('speed').getAttribute('aria-describedby'), 'speed-reached');
    await screenshot(page, `reached-speed-${name}`);
    const width = options.viewport?.width ?? 1280;
    assert.ok(await fitsWithin(page, 'speed-reached', width), `the text fits in ${width} px`);
    // At a speed the engine keeps up with, the text goes away.
    await page.getByTestId('speed').evaluate((el) => {
      el.value = '200';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(
      () => document.querySelector('[data-testid=speed-reached]').textContent === '',
      null,
      { timeout: 5000, polling: 100 },
    );
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('Next notable gives up after a simulated minute with a message', async () => {
  // The M/M/c model has no faults, breakers or failures: nothing notable ever happens.
  const { context, page, problems } = await open('?scenario=mmc&paused=1&at=5');
  await page.getByTestId('fast-forward').waitFor({ state: 'detached', timeout: 10000 });
  await page.getByTestId('step-notable').click();
  await page.waitForFunction(
    () => /Nothing notable/.test(document.querySelector('[data-testid=run-notice]').textContent),
    null,
    { timeout: 30000, polling: 100 },
  );
  assert.match(
    await page.getByTestId('run-notice').textContent(),
    /^Nothing notable in the next 60 simulated seconds; stopped at 65 s\. The run is calm/,
  );
  assert.equal(await seconds(page), 65);
  assert.equal(await page.getByTestId('play').getAttribute('data-playing'), 'false');
  assert.deepEqual(problems, []);
  await context.close();
});

test('Next notable stops at a notable event on cascade', async () => {
  const { context, page } = await open('?scenario=cascade&paused=1');
  await page.getByTestId('step-notable').click();
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=clock]').textContent.split(' ')[0]) > 0, null, {
    timeout: 30000,
    polling: 100,
  });
  await page.getByTestId('fast-forward').waitFor({ state: 'detached', timeout: 30000 });
  // Found, not given up: the notice names the event it stopped at.
  assert.match(await page.getByTestId('run-notice').textContent(), /^Stopped at \d+\.\d{3} s: /);
  assert.equal(await page.getByTestId('play').getAttribute('data-playing'), 'false');
  await context.close();
});
