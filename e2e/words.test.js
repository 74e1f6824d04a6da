// Link names in words for screen readers (a review found "Checkout →
// Payments" read as "Checkout right arrow Payments"): wherever a link's
// name is an accessible name, a label, a description or live-region text it
// says "to", while the stage's lists, headings and rows keep the arrow in
// sight. Playwright computes accessible names as a screen reader gets them.
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
  // The event log, read on the page, keeps the arrow.
  assert.ok((await page.getByTestId('event-row').allTextContents()).some((r) => /Inventory → Pricing/.test(r)));
  assert.deepEqual(problems, []);
  await context.close();
});
