// The live topology on the release build: playing, pausing, stepping,
// faults and mitigations through the UI, reduced motion, and screenshots
// of every preset mid-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot, spoken } from './support.js';

const app = useApp();
const open = app.open;

const number = async (page, id) => Number((await page.getByTestId(id).textContent()).trim());
const clock = async (page) => (await page.getByTestId('clock').textContent()).trim();
const steps = async (page) => Number(await page.getByTestId('clock').getAttribute('data-steps'));

async function paintedPixels(page) {
  return page.evaluate(() => {
    const c = document.querySelector('[data-testid=flights]');
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });
}

async function select(page, testid) {
  await page.getByTestId(testid).click();
  await page.getByTestId('inspector-state').waitFor();
}

async function setSwitch(page, testid, on) {
  const box = page.getByTestId(testid);
  if ((await box.isChecked()) !== on) await box.click();
  assert.equal(await box.isChecked(), on, `${testid} is ${on ? 'on' : 'off'}`);
}

test('the default scenario plays and messages appear on the canvas within a second', async () => {
  const { context, page, problems } = await open();
  assert.equal(await page.getByTestId('preset').inputValue(), 'seven');
  // Poll the canvas itself: some pixel must be painted within a second.
  await page.waitForFunction(
    () => {
      const c = document.querySelector('[data-testid=flights]');
      if (!c || c.width === 0) return false;
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) return true;
      return false;
    },
    null,
    { timeout: 1000, polling: 50 },
  );
  // At ×0.1 the first order of the default scenario may come a second or
  // two of wall time in: wait for it rather than read the counter once.
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=orders-placed]').textContent) > 0,
    null,
    { timeout: 10000, polling: 100 },
  );
  assert.deepEqual(problems, []);
  await context.close();
});

test('pause stops the clock and step advances it by exactly one event', async () => {
  const { context, page } = await open();
  await page.waitForTimeout(300);
  await page.getByTestId('play').click();
  assert.equal(await page.getByTestId('play').getAttribute('data-playing'), 'false');
  const paused = await clock(page);
  await page.waitForTimeout(500);
  assert.equal(await clock(page), paused, 'the clock stands still while paused');
  const before = await steps(page);
  await page.getByTestId('step').click();
  assert.equal(await steps(page), before + 1, 'one event processed');
  assert.ok((await clock(page)) >= paused);
  // The keyboard does the same: → steps, Space plays.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('ArrowRight');
  assert.equal(await steps(page), before + 2);
  await page.keyboard.press('Space');
  assert.equal(await page.getByTestId('play').getAttribute('data-playing'), 'true');
  await context.close();
});

test('slow ×100 on Pricing reaches the browser without protection', async () => {
  const { context, page, problems } = await open('?scenario=order-flow&speed=10');
  await select(page, 'link-inventory-pricing');
  for (const s of ['switch-timeout', 'switch-breaker', 'switch-fallback']) await setSwitch(page, s, false);
  await select(page, 'link-api-inventory');
  for (const s of ['switch-timeout', 'switch-retry', 'switch-breaker']) await setSwitch(page, s, false);
  await select(page, 'node-pricing');
  await page.getByTestId('fault-slow--100').click();
  assert.match(await page.getByTestId('active-faults').textContent(), /slow on Pricing/);
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=orders-failed]').textContent) > 0,
    null,
    { timeout: 20000, polling: 100 },
  );
  assert.match(await spoken(page.getByTestId('node-browser')), /Browser/);
  const file = await screenshot(page, 'fault-unprotected');
  console.log(`wrote ${file}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('with timeouts, breakers and a fallback the slowdown stays at Pricing', async () => {
  const { context, page } = await open('?scenario=order-flow&speed=10');
  await select(page, 'node-pricing');
  await page.getByTestId('fault-slow--100').click();
  await page.waitForFunction(
    () => /breaker open/.test(document.querySelector('[data-testid=link-inventory-pricing]').querySelector('desc')?.textContent),
    null,
    { timeout: 20000, polling: 100 },
  );
  await page.waitForTimeout(2000);
  assert.equal(await number(page, 'orders-failed'), 0, 'no order failed');
  assert.match(await spoken(page.getByTestId('link-api-inventory')), /breaker closed/);
  const file = await screenshot(page, 'fault-protected');
  console.log(`wrote ${file}`);
  await context.close();
});

test('faults are listed and removable; a crash shows on the node', async () => {
  const { context, page } = await open('?scenario=order-flow&paused=1');
  await select(page, 'node-inventory');
  await page.getByTestId('fault-crash').click();
  assert.match(await spoken(page.getByTestId('node-inventory')), /crashed/);
  await page.getByRole('button', { name: /Remove fault: crash on Inventory/ }).click();
  assert.match(await page.getByTestId('active-faults').textContent(), /None/);
  assert.doesNotMatch(await spoken(page.getByTestId('node-inventory')), /crashed/);
  await context.close();
});

test('reduced motion replaces moving dots with counters', async () => {
  const { context, page } = await open('', { reducedMotion: 'reduce' });
  await page.waitForTimeout(800);
  assert.equal(await paintedPixels(page), 0, 'nothing moves on the canvas');
  assert.ok((await page.getByText(/\d+ moving/).count()) > 0, 'links show counters');
  await context.close();
});

test('nodes and links are reachable by keyboard with a steady name and their state as the description', async () => {
  const { context, page } = await open('?scenario=order-flow');
  // The name never changes while the run goes (a screen reader reads a
  // focused element's changed name again); the state is the description.
  const heard = () =>
    page.locator('[role=button][tabindex="0"]').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('aria-label'), document.getElementById(e.getAttribute('aria-describedby') ?? '')?.textContent ?? '']),
    );
  const before = await heard();
  assert.ok(before.some(([n, d]) => n === 'Payment workers, service' && /^\d+ of \d+ busy/.test(d)), before.join('\n'));
  assert.ok(before.some(([n, d]) => n === 'request-response call from Inventory to Pricing' && /^breaker closed/.test(d)));
  const t0 = parseFloat(await page.getByTestId('clock').textContent());
  await page.waitForFunction((t) => parseFloat(document.querySelector('[data-testid=clock]').textContent) > t + 1, t0);
  const after = await heard();
  assert.deepEqual(after.map(([n]) => n), before.map(([n]) => n), 'names stay put');
  assert.notDeepEqual(after.map(([, d]) => d), before.map(([, d]) => d), 'descriptions follow the run');
  await page.getByTestId('node-payments').focus();
  await page.keyboard.press('Enter');
  assert.match(await page.getByTestId('inspector-state').textContent(), /queue depth/);
  await context.close();
});

test('every preset mid-run: screenshots in light and dark, desktop and phone', async () => {
  const presets = await (async () => {
    const { context, page } = await open('?paused=1');
    const list = await page.getByTestId('preset').locator('option').evaluateAll((os) => os.map((o) => o.value));
    await context.close();
    return list;
  })();
  assert.ok(presets.length >= 10);
  for (const name of presets) {
    for (const [suffix, options] of [
      ['light', { colorScheme: 'light' }],
      ['dark', { colorScheme: 'dark' }],
      ['phone', { colorScheme: 'light', viewport: { width: 390, height: 844 }, isMobile: true }],
      ['phone-dark', { colorScheme: 'dark', viewport: { width: 390, height: 844 }, isMobile: true }],
    ]) {
      const { context, page, problems } = await open(`?scenario=${name}&at=25&speed=0.1`, options);
      await page.waitForTimeout(400);
      await screenshot(page, `preset-${name}-${suffix}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} ${suffix}: no horizontal overflow (${overflow}px)`);
      assert.deepEqual(problems, [], `${name} ${suffix}`);
      await context.close();
    }
  }
});
