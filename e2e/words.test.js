// Link names in words for screen readers (a review found "Checkout →
// Payments" read as "Checkout right arrow Payments"): wherever a link's
// name is an accessible name, a label, a description or live-region text it
// says "to", while the stage's lists, headings and rows keep the arrow in
// sight (event-log and alert rows draw it with CSS beside a hidden "to");
// the embed's `alert` messages to the host page say "to" too. Playwright computes accessible names as a screen reader gets them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot } from './support.js';

const app = useApp();

/** An arrow between two names ("A → B"), not a key's name ("(→)", ", → steps"). */
const ARROW = /[^\s,(] → \S/;

/** Every accessible name, description and live or screen-reader-only text on the page that holds an arrow between names. */
async function arrowsHeard(page) {
  const out = [];
  for (const role of ['button', 'heading', 'dialog', 'checkbox', 'option', 'figure', 'img', 'region', 'complementary', 'group', 'combobox', 'link']) {
    for (const el of await page.getByRole(role, { name: ARROW }).all()) {
      out.push(`${role}: ${await el.evaluate((e) => e.outerHTML.slice(0, 120))}`);
    }
  }
  out.push(
    ...(await page.evaluate((source) => {
      const arrow = new RegExp(source);
      const found = [];
      for (const el of document.querySelectorAll('[title], [aria-label], [aria-description]')) {
        for (const a of ['title', 'aria-label', 'aria-description']) {
          if (arrow.test(el.getAttribute(a) ?? '')) found.push(`${a}="${el.getAttribute(a)}"`);
        }
      }
      for (const el of document.querySelectorAll('.sr-only, [aria-live], [role=status], [role=alert]')) {
        if (arrow.test(el.textContent)) found.push(`${el.className || el.getAttribute('role')}: "${el.textContent.slice(0, 120)}"`);
      }
      return found;
    }, ARROW.source)),
  );
  return out;
}

test('1280 px: a link is named in words in the inspector, its faults, Undo, its charts, Compare and the monitors; its heading still shows the arrow', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&paused=1');
  await page.getByTestId('link-api-inventory').click();
  const heading = page.getByRole('heading', { name: 'Order API to Inventory', exact: true });
  await heading.waitFor();
  assert.equal((await heading.textContent()).trim(), 'Order API → Inventory', 'the arrow stays in sight');
  assert.equal(await page.getByRole('complementary', { name: /^Inspector Order API to Inventory$/ }).count(), 1, 'the inspector is named by it');
  // A fault on the link: its Remove button and Undo say the link in words.
  await page.getByTestId('fault-partition').click();
  await page.getByRole('button', { name: 'Remove fault: partition on Order API to Inventory', exact: true }).waitFor();
  assert.equal(await page.getByTestId('undo').getAttribute('title'), 'Undo: partition on Order API to Inventory');
  // Compare's choices are options named in words.
  await page.getByTestId('inspector').getByTestId('compare-open').click();
  await page.getByTestId('compare-dialog').waitFor();
  assert.ok((await page.getByRole('option', { name: /^Timeout on Order API to Inventory/ }).count()) === 1, 'a Compare choice in words');
  assert.deepEqual(await arrowsHeard(page), []);
  await page.getByTestId('compare-close').click();
  // A queue link's chart is a figure named by its title, in words.
  await page.getByTestId('link-api-orders-queue').click();
  await page.getByRole('figure', { name: 'Order API to orders queue: messages', exact: true }).waitFor();
  // The monitoring switches.
  await page.locator('[data-testid=monitors] > summary').click();
  const switches = await page.getByRole('checkbox', { name: / to .* — / }).count();
  assert.ok(switches >= 1, `switches of links named in words (${switches})`);
  assert.deepEqual(await arrowsHeard(page), []);
  console.log(`screenshot: ${await screenshot(page, 'words-inspector-1280')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('390 px: the state list names links in words and shows the arrow; the inspector sheet is named in words', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width: 390, height: 844 } });
  const list = page.getByTestId('state-list');
  await list.waitFor();
  const name = list.getByRole('button', { name: 'Order API to Inventory', exact: true });
  assert.equal(await name.count(), 1);
  assert.equal(await name.textContent(), 'Order API → Inventory', 'the arrow stays in sight');
  await name.click();
  await page.getByRole('dialog', { name: /Order API to Inventory$/ }).waitFor();
  assert.deepEqual(await arrowsHeard(page), []);
  console.log(`screenshot: ${await screenshot(page, 'words-sheet-390')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the live region says a breaker\'s link in words', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade-protected&at=9&speed=4');
  await page.evaluate(() => {
    window.__said = [];
    const el = document.querySelector('[data-testid=announcer]');
    new MutationObserver(() => window.__said.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
  await page.waitForFunction(() => window.__said.some((s) => /Circuit breaker on/.test(s)), null, { timeout: 60000 });
  const said = await page.evaluate(() => window.__said);
  assert.ok(said.some((s) => /Circuit breaker on Inventory to Pricing/.test(s)), said.join(' | '));
  assert.deepEqual(said.filter((s) => ARROW.test(s)), []);
  // The event log keeps the arrow in sight (drawn by CSS), its text says "to".
  const row = page.getByTestId('event-row').filter({ hasText: 'Inventory to Pricing' }).first();
  assert.equal(await row.locator('.said-arrow').evaluate((a) => getComputedStyle(a, '::before').content), '"→"');
  assert.deepEqual(problems, []);
  await context.close();
});

/** What a screen reader gets from `locator`'s rows, as Playwright's accessibility snapshot. */
const heard = (locator) => locator.ariaSnapshot();

test('event-log and alert rows show the arrow and say "to"; so do the run notice and the embed\'s alert messages', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade-protected&at=9&speed=4');
  // An alert on the breaker's link: its row names the link.
  await page.locator('[data-testid=monitors] > summary').click();
  await page.locator('[data-testid=monitor-switch][data-id=inventory-pricing]').check();
  const alert = page.locator('[data-testid=alert][data-id=inventory-pricing]').first();
  await alert.waitFor({ timeout: 60000 });
  const row = page.getByTestId('event-row').filter({ hasText: /Circuit breaker on Inventory/ }).first();
  await row.waitFor({ timeout: 60000 });
  await page.getByTestId('play').click();
  for (const [what, el] of [['alert', alert], ['event row', row]]) {
    const said = await heard(el);
    assert.ok(/Inventory to Pricing/.test(said), `${what} said in words: ${said}`);
    assert.ok(!said.includes('→'), `${what} said without the arrow: ${said}`);
    // In sight, the arrow stays: drawn beside the words, which are hidden from sight.
    const seen = await el.evaluate((e) =>
      [...e.querySelectorAll('.said-arrow')].map((a) => getComputedStyle(a, '::before').content),
    );
    assert.ok(seen.length >= 1 && seen.every((c) => c === '"→"'), `${what} shows the arrow: ${JSON.stringify(seen)}`);
    const to = await el.locator('.said-arrow + .sr-only').first().boundingBox();
    assert.ok(!to || to.width <= 1, `"to" is not seen (${JSON.stringify(to)})`);
  }
  const list = await heard(page.getByTestId('event-log'));
  assert.ok(!list.includes('→'), `the event log is heard without arrows: ${list.slice(0, 400)}`);
  // Next notable: the notice (a live region) names the event in words.
  await page.getByTestId('step-notable').click();
  await page.waitForFunction(() => /^(Stopped at|Nothing notable)/.test(document.querySelector('[data-testid=run-notice]').textContent), null, { timeout: 60000 });
  assert.deepEqual(await arrowsHeard(page), []);
  console.log(`screenshot: ${await screenshot(page, 'words-rows-1280')}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an embed posts its alerts to the host page in words', async () => {
  const context = await app.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  // The test's server serves only the app's folder: the host page is the blank page, framing the embed.
  await page.setContent('<!doctype html><title>host</title>');
  await page.evaluate((src) => {
    window.__alerts = [];
    window.addEventListener('message', (e) => {
      if (e.data?.patchbay === 1 && e.data.type === 'alert') window.__alerts.push(e.data.text);
    });
    const f = document.createElement('iframe');
    f.src = src;
    f.width = 800;
    f.height = 600;
    document.body.append(f);
  }, `${app.server.url}?embed=1&scenario=cascade-protected&at=9&speed=4&autoplay=1`);
  await page.waitForFunction(() => window.__alerts.some((t) => /Circuit breaker on/.test(t)), null, { timeout: 60000 });
  const alerts = await page.evaluate(() => window.__alerts);
  assert.ok(alerts.some((t) => /Circuit breaker on Inventory to Pricing/.test(t)), alerts.join(' | '));
  assert.deepEqual(alerts.filter((t) => ARROW.test(t)), []);
  await context.close();
});
