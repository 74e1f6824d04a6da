// The page's outline: on the main views, at 1280 and 390 px, no heading
// skips a level (an h3 with no h2 before it reads as part of whatever came
// before). The lesson card is a region of its own (h2), the selection's name
// in the inspector sits under "Inspector" (h3), and its sections under that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './support.js';

const app = useApp();

/** Headings a screen reader lists (not hidden), as [level, text]. */
const headings = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')]
      .filter((h) => h.getClientRects().length > 0 && !h.closest('[aria-hidden=true], [inert]'))
      .map((h) => [Number(h.getAttribute('aria-level') ?? h.tagName[1]), h.textContent.trim().slice(0, 40)]),
  );

/** The places where a heading is more than one level under the one before it. */
function skips(list) {
  const out = [];
  let before = 1;
  for (const [level, text] of list) {
    if (level > before + 1) out.push(`h${level} "${text}" after h${before}`);
    before = level;
  }
  return out;
}

for (const [width, height] of [[1280, 860], [390, 844]]) {
  test(`${width} px: no heading skips a level on the main views`, async () => {
    const views = [
      ['?scenario=seven&paused=1', null],
      ['?lesson=queue&step=2', null],
      ['?scenario=seven&paused=1', 'node-inventory'],
      ['?scenario=mmc&paused=1', 'node-server'],
      ['?scenario=seven&paused=1', 'link-api-inventory'],
      ['?scenario=seven&paused=1', 'node-orders-log'],
      ['?embed=1&lesson=queue&controls=play,inspector', null],
    ];
    for (const [query, select] of views) {
      const { context, page, problems } = await app.open(query, { viewport: { width, height } });
      await page.waitForTimeout(300);
      if (select) {
        const target = page.getByTestId(select);
        if ((await target.count()) === 0) throw new Error(`${query}: no ${select}`);
        await target.focus();
        await page.keyboard.press('Enter');
        await page.locator('#inspector-selection').waitFor();
        await page.waitForTimeout(200);
      }
      const list = await headings(page);
      assert.ok(list.length >= 3, `${query}: ${JSON.stringify(list)}`);
      assert.deepEqual(skips(list), [], `${query} ${select ?? ''} at ${width}: ${JSON.stringify(list)}`);
      if (query.includes('lesson=') && !query.includes('embed')) {
        assert.ok(list.some(([l, t]) => l === 2 && /Queues/.test(t)), `the lesson card's own h2: ${JSON.stringify(list)}`);
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
  });
}

test('every dialog is titled by an h2, and no heading inside it skips a level', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade-protected&paused=1');
  /** The open dialog's headings as [level, text], and whether its label is its first heading. */
  const inDialog = (testid) =>
    page.getByTestId(testid).evaluate((d) => {
      const hs = [...d.querySelectorAll('h1, h2, h3, h4, h5, h6, [role=heading]')].filter((h) => h.getClientRects().length > 0);
      const label = document.getElementById(d.getAttribute('aria-labelledby'));
      return {
        list: hs.map((h) => [Number(h.getAttribute('aria-level') ?? h.tagName[1]), h.textContent.trim().slice(0, 40)]),
        labelIsFirst: hs[0] === label,
      };
    });
  const check = async (testid) => {
    const { list, labelIsFirst } = await inDialog(testid);
    assert.ok(labelIsFirst, `${testid}: labelled by its first heading ${JSON.stringify(list)}`);
    assert.equal(list[0][0], 2, `${testid}: ${JSON.stringify(list)}`);
    let before = 2;
    for (const [level, text] of list.slice(1)) {
      assert.ok(level <= before + 1, `${testid}: h${level} "${text}" after h${before}`);
      before = level;
    }
  };
  await page.getByTestId('compare-open').first().click();
  await page.getByTestId('compare-dialog').waitFor();
  await check('compare-dialog');
  await page.getByTestId('compare-close').click();
  await page.locator('[data-testid=share-menu] > summary').click();
  await page.getByTestId('reset-default').click();
  await page.getByTestId('confirm-reset').waitFor();
  await check('confirm-reset');
  await page.getByTestId('confirm-reset-cancel').click();
  await page.getByTestId('embed-open').click();
  await check('embed-dialog');
  await page.keyboard.press('Escape');
  // A changed run asks before another scenario replaces it.
  await page.getByTestId('add-service').click();
  await page.getByTestId('node-service').waitFor();
  await page.getByTestId('preset').selectOption('seven');
  await page.getByTestId('confirm-discard').waitFor();
  await check('confirm-discard');
  await page.getByTestId('confirm-discard-cancel').click();
  assert.deepEqual(problems, []);
  await context.close();
});
