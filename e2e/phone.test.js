// Phones, lessons and narrow screens, after a stranger's review: the list
// of states flows with the page and cuts no line; Play and the stage are
// both on the first screen of a 360 × 640 embed and of a 390 × 844 phone;
// the fitted topology fills its stage (no tall empty box); a lesson's text
// flows with the page (a short embed shows its first lines and "Read all");
// "Back to the lesson" shows only once the page has left the lesson; the
// phone's inspector sheet puts focus on its heading and Escape or × gives
// focus back; the inspector's controls keep to its width. Below 900 px the
// sheet and the transport menu are modal dialogs: named, Tab kept inside,
// focus moved in and given back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useApp, screenshot, SCREENSHOT_DIR } from './support.js';

const app = useApp();

/** A screenshot of the first screen only (what a learner sees before scrolling). */
async function firstScreen(page, name) {
  const file = path.join(SCREENSHOT_DIR, `${name}-screen.png`);
  await page.screenshot({ path: file });
  return file;
}

/** The box of `testid` in page coordinates (scrolled to the top first). */
async function box(page, testid) {
  return page.evaluate((id) => {
    const b = document.querySelector(`[data-testid=${id}]`).getBoundingClientRect();
    return { x: b.x + window.scrollX, y: b.y + window.scrollY, w: b.width, h: b.height, bottom: b.bottom + window.scrollY };
  }, testid);
}

/** Play and the stage, wholly inside the first `height` pixels of the page. */
async function playAndStageOnFirstScreen(page, height, what) {
  const play = await box(page, 'play');
  const stage = await box(page, 'stage');
  console.log(`${what}: stage ${Math.round(stage.y)}–${Math.round(stage.bottom)}, Play ${Math.round(play.y)}–${Math.round(play.bottom)}`);
  assert.ok(play.h > 0 && play.bottom <= height, `${what}: Play on the first screen (${play.bottom})`);
  assert.ok(stage.h >= 150 && stage.bottom <= height, `${what}: the stage on the first screen (${stage.y}–${stage.bottom})`);
}

const noSideways = async (page) => {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px)`);
};

for (const colorScheme of ['light', 'dark']) {
  test(`390 × 844 phone (${colorScheme}): Play and the stage on the first screen, the topology fills its stage, the state list cuts no line`, async () => {
    const { context, page, problems } = await app.openAt('?scenario=seven&at=16&paused=1', {
      viewport: { width: 390, height: 844 },
      colorScheme,
    });
    await page.getByTestId('state-list').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await playAndStageOnFirstScreen(page, 844, '390 × 844');
    // The fitted topology spans its stage: centred, with little room left above and below it.
    const fit = await page.evaluate(() => {
      const stage = document.querySelector('[data-testid=stage]').getBoundingClientRect();
      const nodes = [...document.querySelectorAll('[data-testid=stage] .node')].map((n) => n.getBoundingClientRect());
      const top = Math.min(...nodes.map((b) => b.top));
      const bottom = Math.max(...nodes.map((b) => b.bottom));
      return { above: top - stage.top - 36, below: stage.bottom - bottom, height: stage.height, nodes: bottom - top };
    });
    console.log(`topology in its stage: ${JSON.stringify(fit)}`);
    assert.ok(fit.above >= 0 && fit.below >= 0, 'the whole topology is in the stage, below its toolbar');
    assert.ok(fit.above + fit.below <= 90, `little empty room above and below (${Math.round(fit.above)} + ${Math.round(fit.below)} px)`);
    assert.ok(Math.abs(fit.above - fit.below) <= 16, `centred (${Math.round(fit.above)} above, ${Math.round(fit.below)} below)`);
    // The list of states flows with the page: no box of its own to scroll, no line cut at an edge.
    const cut = await page.evaluate(() => {
      const list = document.querySelector('[data-testid=state-list] .states__list');
      const l = list.getBoundingClientRect();
      const out = [];
      if (list.scrollHeight > list.clientHeight + 1) out.push(`the list scrolls (${list.scrollHeight} in ${list.clientHeight})`);
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(list).overflowY)) out.push(`overflow-y ${getComputedStyle(list).overflowY}`);
      for (const line of list.querySelectorAll('.states__line')) {
        const b = line.getBoundingClientRect();
        if (b.right > l.right + 0.5 || b.bottom > l.bottom + 0.5) out.push(`${line.textContent} outside the list`);
        for (const part of line.querySelectorAll('.states__name, .states__state')) {
          if (part.scrollWidth > part.clientWidth + 1 && getComputedStyle(part).display !== 'inline') out.push(`${part.textContent} cut`);
          if (part.getBoundingClientRect().right > l.right + 0.5) out.push(`${part.textContent} past the edge`);
        }
      }
      return out;
    });
    assert.deepEqual(cut, []);
    // After the stage comes Play (before the list) in one column.
    await noSideways(page);
    console.log(`screenshot: ${await firstScreen(page, `phone-390-${colorScheme}`)}`);
    console.log(`screenshot: ${await screenshot(page, `phone-390-${colorScheme}`)}`);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test(`360 × 640 embed (${colorScheme}): Play and the stage on the first screen, with and without a lesson`, async () => {
    for (const [query, name] of [
      ['?embed=1', 'plain'],
      ['?embed=1&scenario=seven', 'seven'],
      ['?embed=1&lesson=queue', 'lesson'],
      ['?embed=1&lesson=seven&step=4', 'lesson-seven'],
    ]) {
      const { context, page, problems } = await app.open(query, { viewport: { width: 360, height: 640 }, colorScheme });
      await page.waitForTimeout(300);
      await playAndStageOnFirstScreen(page, 640, `360 × 640 ${query}`);
      if (name.startsWith('lesson')) {
        // The text shows its first lines, and all of it at a tap (not a box to scroll).
        const text = page.getByTestId('lesson-text');
        const more = page.getByTestId('lesson-more');
        const full = await text.evaluate((p) => p.textContent.trim().length);
        if (await more.isVisible()) {
          assert.equal(await more.getAttribute('aria-expanded'), 'false');
          await more.click();
          assert.equal(await more.textContent(), 'Show less');
          assert.equal(await more.getAttribute('aria-expanded'), 'true');
        }
        const shown = await text.evaluate((p) => ({ scroll: p.scrollHeight, client: p.clientHeight, overflow: getComputedStyle(p).overflowY }));
        assert.ok(shown.scroll <= shown.client + 1, `all ${full} characters of the text show (${JSON.stringify(shown)})`);
        console.log(`screenshot: ${await firstScreen(page, `phone-embed-360-${name}-all-${colorScheme}`)}`);
        if (await more.isVisible()) await more.click();
      }
      await noSideways(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      console.log(`screenshot: ${await firstScreen(page, `phone-embed-360-${name}-${colorScheme}`)}`);
      assert.deepEqual(problems, []);
      await context.close();
    }
  });
}

for (const [width, height] of [[390, 844], [700, 900]]) {
  for (const colorScheme of ['light', 'dark']) {
    test(`a lesson at ${width} × ${height} (${colorScheme}): its text flows with the page, whole, with the stage after it`, async () => {
      // The longest step of its lesson.
      const { context, page, problems } = await app.open('?lesson=request-response&step=3', { viewport: { width, height }, colorScheme });
      const text = page.getByTestId('lesson-text');
      await text.waitFor();
      const t = await text.evaluate((p) => {
        const s = getComputedStyle(p);
        return { scroll: p.scrollHeight, client: p.clientHeight, overflow: s.overflowY, maxHeight: s.maxHeight, chars: p.textContent.trim().length };
      });
      console.log(`${width}: ${JSON.stringify(t)}`);
      assert.ok(t.chars > 300, 'the long step');
      assert.equal(t.overflow, 'visible', 'no box of its own to scroll');
      assert.equal(t.maxHeight, 'none');
      assert.ok(t.scroll <= t.client + 1, 'every line shows');
      assert.equal(await page.getByTestId('lesson-more').isVisible(), false, 'nothing to open');
      const card = await box(page, 'lesson');
      const stage = await box(page, 'stage');
      assert.ok(card.bottom <= stage.y, 'the card, then the stage');
      assert.ok(stage.y < height - 150, `the stage starts on the first screen (${stage.y})`);
      // Play right after the stage, both on the first screen.
      await playAndStageOnFirstScreen(page, height, `lesson at ${width} × ${height}`);
      await noSideways(page);
      console.log(`screenshot: ${await firstScreen(page, `phone-lesson-${width}-${colorScheme}`)}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  }
}

test('Back to the lesson shows only once the learner has left it, and goes once used', async () => {
  const { context, page, problems } = await app.open('?lesson=queue&step=1', { viewport: { width: 390, height: 844 } });
  await page.getByTestId('lesson-next').waitFor();
  const back = page.getByTestId('lesson-back');
  await page.waitForTimeout(500);
  assert.equal(await back.isVisible(), false, 'at step 1, in step with the lesson: no Back');
  // Playing on is not leaving the lesson.
  await page.getByTestId('play').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 1);
  await page.getByTestId('play').click();
  assert.equal(await back.isVisible(), false, 'played on: no Back');
  await page.getByTestId('lesson-next').click();
  await page.waitForFunction(() => /Step 2 of/.test(document.querySelector('[data-testid=lesson-step]').textContent));
  await page.waitForFunction(() => !document.querySelector('[data-testid=fast-forward]'));
  assert.equal(await back.isVisible(), false, 'at step 2, in step: no Back');
  // A change of the run: Back puts the lesson's state back, then goes.
  const seed = page.getByTestId('seed');
  await seed.fill('99');
  await seed.dispatchEvent('change');
  await back.waitFor();
  assert.match(await page.getByTestId('lesson-status').textContent(), /numbers are yours/);
  await back.click();
  await page.waitForFunction(() => document.querySelector('[data-testid=seed]').value === '7');
  await back.waitFor({ state: 'hidden' });
  assert.equal(await page.getByTestId('lesson-status').textContent(), '');
  assert.deepEqual(problems, []);
  await context.close();
});

for (const colorScheme of ['light', 'dark']) {
  test(`phone inspector sheet (${colorScheme}): focus on its heading, Escape and × give focus back`, async () => {
    const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width: 390, height: 844 }, colorScheme });
    const name = page.getByTestId('state-list').getByRole('button', { name: 'Inventory', exact: true });
    await name.click();
    await page.waitForFunction(() => document.activeElement?.classList.contains('inspector__title'));
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Inventory');
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H3', 'under the region\'s heading, Inspector');
    console.log(`screenshot: ${await firstScreen(page, `phone-sheet-${colorScheme}`)}`);
    // Tab goes on to the sheet's controls.
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement.closest('[data-testid=region-inspector]')), 'Tab stays in the sheet');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('.regions--inspecting'));
    assert.ok(await name.evaluate((b) => b === document.activeElement), 'Escape: focus back on the line of the list');
    // × too.
    await name.click();
    await page.waitForFunction(() => document.activeElement?.classList.contains('inspector__title'));
    await page.getByTestId('inspector-close').click();
    await page.waitForFunction(() => !document.querySelector('.regions--inspecting'));
    assert.ok(await name.evaluate((b) => b === document.activeElement), '×: focus back on the line of the list');
    // Opened from the stage, Escape goes back to the node.
    await page.getByTestId('node-inventory').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.regions--inspecting');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'node-inventory');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

for (const [width, height] of [[1280, 860], [700, 900], [390, 844]]) {
  test(`the inspector's controls keep to its width at ${width} px`, async () => {
    const cases = [
      ['commit-after', ['link-orders-fulfilment', 'node-orders', 'node-order-api']],
      ['seven', ['node-order-api', 'node-notify', 'node-reconciliation', 'link-api-inventory', 'node-orders-queue', 'node-orders-log', 'node-order-events']],
    ];
    for (const [scenario, ids] of cases) {
      const { context, page, problems } = await app.open(`?scenario=${scenario}&paused=1`, { viewport: { width, height } });
      for (const id of ids) {
        const target = page.getByTestId(id);
        if ((await target.count()) === 0) continue;
        await target.focus();
        await page.keyboard.press('Enter');
        await page.waitForSelector('[data-testid=inspector] .inspector__title');
        await page.waitForTimeout(150);
        const outside = await page.evaluate(() => {
          const region = document.querySelector('[data-testid=region-inspector]');
          const r = region.getBoundingClientRect();
          const pad = parseFloat(getComputedStyle(region).paddingRight);
          return [...region.querySelectorAll('select, input, button, textarea')]
            .filter((e) => e.getBoundingClientRect().width > 0)
            .filter((e) => e.getBoundingClientRect().right > r.right - pad + 0.5 || e.getBoundingClientRect().left < r.left - 0.5)
            .map((e) => `${e.dataset.testid ?? e.id ?? e.tagName} ${Math.round(e.getBoundingClientRect().left)}–${Math.round(e.getBoundingClientRect().right)} (inspector ${Math.round(r.left)}–${Math.round(r.right - pad)})`);
        });
        assert.deepEqual(outside, [], `${scenario} ${id} at ${width}`);
        if (id === 'link-orders-fulfilment') {
          await page.getByTestId('select-commit').scrollIntoViewIfNeeded();
          for (const scheme of ['light', 'dark']) {
            await page.emulateMedia({ colorScheme: scheme });
            console.log(`screenshot: ${await firstScreen(page, `phone-commit-${width}-${scheme}`)}`);
          }
        }
        await page.keyboard.press('Escape');
      }
      assert.deepEqual(problems, []);
      await context.close();
    }
  });
}

/** Where focus is: the element's test id, else its tag and class. */
const focusedAt = (page) =>
  page.evaluate(() => {
    const a = document.activeElement;
    return a?.dataset?.testid ?? `${a?.tagName} ${a?.className}`;
  });

/** Presses `key` `times` times; returns true if focus stayed inside `selector` after each. */
async function staysInside(page, key, times, selector) {
  for (let i = 0; i < times; i++) {
    await page.keyboard.press(key);
    const inside = await page.evaluate((sel) => !!document.activeElement?.closest(sel), selector);
    if (!inside) return `left after ${i + 1} × ${key}: ${await focusedAt(page)}`;
  }
  return true;
}

test('390 px: the inspector sheet is a modal dialog named by its selection; focus goes in, stays, and comes back', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width: 390, height: 844 } });
  const region = page.getByTestId('region-inspector');
  assert.equal(await region.getAttribute('role'), null, 'nothing selected: no dialog');
  // Opened from the stage with the keyboard.
  await page.getByTestId('node-inventory').focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Inspector Inventory' });
  await dialog.waitFor();
  assert.equal(await region.getAttribute('aria-modal'), 'true');
  await page.waitForFunction(() => document.activeElement?.id === 'inspector-selection');
  // Tab and Shift+Tab go round inside the sheet.
  assert.equal(await staysInside(page, 'Tab', 60, '[data-testid=region-inspector]'), true);
  await page.locator('#inspector-selection').focus();
  assert.equal(await staysInside(page, 'Shift+Tab', 3, '[data-testid=region-inspector]'), true);
  // Escape closes it from a field too, when nothing typed there is to be dropped first.
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'INPUT');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'node-inventory');
  assert.equal(await region.getAttribute('role'), null, 'closed: no dialog');
  assert.equal(await region.getAttribute('aria-modal'), null);
  // A tap opens it too, with focus in the sheet; × gives focus back to what was tapped.
  await page.getByTestId('node-pricing').click();
  await page.getByRole('dialog', { name: 'Inspector Pricing' }).waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'inspector-selection');
  await page.getByTestId('inspector-close').click();
  await page.waitForFunction(() => document.activeElement?.dataset?.testid === 'node-pricing');
  assert.deepEqual(problems, []);
  await context.close();
});

test('1280 px: the inspector is a column, not a dialog, and selecting keeps focus on the stage', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&paused=1');
  await page.getByTestId('node-inventory').focus();
  await page.keyboard.press('Enter');
  await page.locator('#inspector-selection').waitFor();
  await page.waitForTimeout(100);
  const region = page.getByTestId('region-inspector');
  assert.equal(await region.getAttribute('role'), null);
  assert.equal(await region.getAttribute('aria-modal'), null);
  assert.equal(await focusedAt(page), 'node-inventory');
  assert.deepEqual(problems, []);
  await context.close();
});

test('390 px: the transport menu is modal: Tab stays in it, the page behind takes no tap, focus comes back', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width: 390, height: 844 } });
  await page.getByTestId('node-inventory').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'inspector-selection');
  await page.getByTestId('connect-target').selectOption('warehouse');
  const connect = page.getByTestId('connect');
  await connect.scrollIntoViewIfNeeded();
  await connect.focus();
  await page.keyboard.press('Enter');
  const menu = page.getByRole('dialog', { name: /^Connect Inventory to / });
  await menu.waitFor();
  assert.equal(await page.getByTestId('link-menu').getAttribute('aria-modal'), 'true');
  await page.waitForFunction(() => document.activeElement?.closest('[data-testid=link-menu]'));
  assert.equal(await staysInside(page, 'Tab', 25, '[data-testid=link-menu]'), true);
  assert.equal(await staysInside(page, 'Shift+Tab', 25, '[data-testid=link-menu]'), true);
  console.log(`screenshot: ${await screenshot(page, 'phone-transport-menu')}`);
  // A tap on the page behind reaches nothing there: the scrim takes it.
  const behind = await page.evaluate(() => {
    const el = document.elementFromPoint(20, 20);
    return el === document.body || el === document.documentElement;
  });
  assert.ok(behind, 'the scrim covers the page');
  await page.mouse.click(20, 20);
  assert.equal(await page.getByTestId('link-menu').count(), 1, 'still open');
  await page.getByTestId('link-menu').getByRole('button', { name: 'Cancel' }).click();
  await page.getByTestId('link-menu').waitFor({ state: 'detached' });
  assert.equal(await focusedAt(page), 'connect', 'back on the button that opened it');
  assert.deepEqual(problems, []);
  await context.close();
});

test('390 × 844: every link of seven has a line in the state list, a 44 px target that Tab reaches and Enter opens', async () => {
  const { context, page, problems } = await app.openAt('?scenario=seven&at=16&paused=1', { viewport: { width: 390, height: 844 } });
  const list = page.getByTestId('state-list');
  await list.waitFor();
  // On the compact stage a link is a thin line; the list names each one.
  const links = await page.locator('[data-testid=stage] [data-testid^=link-]').count();
  const names = await list.locator('.states__name').evaluateAll((bs) =>
    bs.map((b) => { const r = b.getBoundingClientRect(); return { text: b.textContent, w: r.width, h: r.height }; }),
  );
  assert.equal(names.filter((n) => n.text.includes(' → ')).length, links, JSON.stringify(names.map((n) => n.text)));
  for (const n of names) assert.ok(n.w >= 44 && n.h >= 44, `${n.text} is ${n.w.toFixed(0)}×${n.h.toFixed(0)} px`);
  // A link with no state of its own says its transport.
  // Named in words (an arrow is read "right arrow"), shown with the arrow.
  const browserApi = list.locator('.states__line').filter({ has: page.getByRole('button', { name: 'Browser to Order API', exact: true }) });
  assert.match(await browserApi.getByTestId('state-text').textContent(), /request-response call/);
  // By keyboard: Tab from the last node's line reaches the first link's, Enter opens it in the inspector.
  await list.getByRole('button', { name: 'Reconciliation', exact: true }).focus();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Browser → Order API');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.closest('[data-testid=region-inspector]'));
  assert.equal((await page.locator('#inspector-selection').textContent()).trim(), 'Browser → Order API');
  console.log(`screenshot: ${await screenshot(page, 'phone-390-state-list-links')}`);
  assert.deepEqual(problems, []);
  await context.close();
});
