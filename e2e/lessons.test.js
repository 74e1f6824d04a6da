// Guided lessons on the page: a lesson opens by link at a step, Next and
// Previous move through it with the highlight following the step's node or
// link, the failure and then the fix show in the numbers the page shows (the
// card's own and the metrics panel's), a learner who changes the run can come
// back to the lesson's state, and a bad lesson name says so. Screenshots of a
// lesson step at 1280, 700 and 390 px, light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot } from './support.js';

const app = useApp();

/** Waits until the lesson has reached its step: no fast-forward, clock at `t` s, paused. */
async function settled(page, t) {
  await page.waitForFunction(
    (t) =>
      !document.querySelector('[data-testid=fast-forward]') &&
      Math.abs(parseFloat(document.querySelector('[data-testid=clock]').textContent) - t) < 0.05,
    t,
    { timeout: 60000 },
  );
}

const number = async (page, key) => Number((await page.getByTestId(`lesson-number-${key}`).textContent()).trim());
const panel = async (page, id) => Number((await page.getByTestId(id).textContent()).trim());
const highlighted = (page) =>
  page.evaluate(() => [...document.querySelectorAll('.node--lesson, .link--lesson')].map((e) => e.dataset.testid));

test('queue lesson by link: the failure at step 2, the fix at step 3, the highlight follows', async () => {
  const { context, page, problems } = await app.open('?lesson=queue&step=2');
  assert.equal(await page.getByTestId('lesson-step').textContent(), 'Step 2 of 4');
  await settled(page, 30);
  assert.match(await page.getByTestId('lesson-text').textContent(), /crashes the worker/);
  assert.deepEqual(await highlighted(page), ['node-payment-workers']);
  assert.ok((await number(page, 'crashes:payment-workers')) >= 10);
  assert.equal(await number(page, 'dlq:payments'), 0);
  assert.equal(await panel(page, 'dead-lettered'), 0);
  assert.equal(await page.getByTestId('play').textContent(), 'Play', 'the lesson pauses at its step');

  await page.getByTestId('lesson-next').click();
  assert.equal(await page.getByTestId('lesson-step').textContent(), 'Step 3 of 4');
  await settled(page, 30);
  assert.deepEqual(await highlighted(page), ['node-payments']);
  assert.equal(await number(page, 'dlq:payments'), 3);
  assert.equal(await panel(page, 'dead-lettered'), 3);
  assert.ok((await number(page, 'crashes:payment-workers')) <= 9);
  assert.match(await page.getByTestId('announcer').textContent(), /Lesson step 3 of 4/);

  await page.getByTestId('lesson-prev').click();
  await settled(page, 30);
  assert.equal(await number(page, 'dlq:payments'), 0);
  assert.deepEqual(await highlighted(page), ['node-payment-workers']);
  assert.deepEqual(problems, []);
  await context.close();
});

test('request-response lesson from the start: orders fail, then the same seed with protection keeps them ok', async () => {
  const { context, page, problems } = await app.open('?lesson=request-response');
  await settled(page, 8);
  assert.deepEqual(await highlighted(page), ['link-browser-api']);
  // The highlighted link's thick line keeps a normal arrowhead (sized in the
  // stage's units; by stroke width it was three times as large).
  const arrow = await page.evaluate(() => {
    const m = document.querySelector('.stage marker#arrow');
    const line = document.querySelector('.link--lesson .link__line');
    return { units: m.getAttribute('markerUnits'), size: Number(m.getAttribute('markerWidth')), stroke: parseFloat(getComputedStyle(line).strokeWidth) };
  });
  assert.equal(arrow.units, 'userSpaceOnUse', JSON.stringify(arrow));
  assert.ok(arrow.stroke >= 5 && arrow.size <= 3 * arrow.stroke, JSON.stringify(arrow));
  assert.equal(await panel(page, 'orders-failed'), 0);
  // Keyboard: Next is a button reached and pressed with the keyboard.
  await page.getByTestId('lesson-next').focus();
  await page.keyboard.press('Enter');
  await settled(page, 25);
  assert.deepEqual(await highlighted(page), ['node-pricing']);
  const failed = await panel(page, 'orders-failed');
  assert.ok(failed > 1000, `orders failed ${failed}`);
  assert.equal(await number(page, 'orders_failed'), failed);
  await page.getByTestId('lesson-next').click();
  await settled(page, 25);
  assert.deepEqual(await highlighted(page), ['link-inventory-pricing']);
  assert.equal(await panel(page, 'orders-failed'), 0);
  assert.ok((await number(page, 'short_circuits:inventory-pricing')) > 100);
  await page.getByTestId('lesson-next').click();
  assert.equal(await page.getByTestId('lesson-step').textContent(), 'Step 4 of 4');
  assert.equal(await page.getByTestId('lesson-next').isVisible(), false);
  assert.equal(await page.getByTestId('lesson-onward').textContent(), 'Next lesson');
  assert.deepEqual(problems, []);
  await context.close();
});

test("the queue lesson's first step: the theory card says each name and symbol in plain words where it first shows", async () => {
  const { context, page, problems } = await app.open('?lesson=queue&step=1');
  await settled(page, 4);
  const card = page.getByTestId('summary-charts').getByTestId('theory');
  await card.getByTestId('theory-little').waitFor();
  const text = (await card.textContent()).replace(/\s+/g, ' ');
  // What follows each term where the card first shows it.
  const explained = [
    ['M/M/', /^M\/M\/4: messages arrive at random moments \(the first M\), each takes a random time \(the second M\), and 4 workers serve them \(c = 4\)/],
    ['λ', /^λ = [\d.]+k? arrivals a second;/],
    ['μ', /^μ = [\d.]+k? finished a second by one worker;/],
    ['ρ', /^ρ = λ\/\(cμ\) = \d\.\d\d, the share of time each worker is busy/],
    ['Erlang C', /^Erlang C: the probability that an arrival finds every worker busy and has to wait/],
    ["Little's law", /^Little's law, L = λW: on average, the number waiting is the arrival rate times how long each waits\./],
  ];
  for (const [term, words] of explained) {
    const at = text.indexOf(term);
    assert.ok(at >= 0, `${term} is on the card: ${text}`);
    assert.match(text.slice(at), words, `${term} is explained where it first shows: ${text}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a learner who changes the run can come back to the lesson', async () => {
  const { context, page, problems } = await app.open('?lesson=queue&step=3');
  await settled(page, 30);
  assert.equal(await number(page, 'dlq:payments'), 3);
  assert.equal(await page.getByTestId('lesson-status').textContent(), '');
  const seed = page.getByTestId('seed');
  await seed.fill('99');
  await seed.dispatchEvent('change');
  await page.waitForFunction(() => document.querySelector('[data-testid=lesson-status]').textContent.includes('numbers are yours'));
  await page.getByTestId('lesson-back').click();
  await settled(page, 30);
  assert.equal(await page.getByTestId('seed').inputValue(), '7');
  assert.equal(await number(page, 'dlq:payments'), 3);
  assert.equal(await page.getByTestId('lesson-status').textContent(), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a bad lesson name is named on the page; the picker opens a lesson; Hide folds the card', async () => {
  const { context, page, problems } = await app.open('?lesson=nope');
  assert.match(await page.getByTestId('lesson-error').textContent(), /no lesson called “nope”/);
  await page.getByTestId('lesson-picker').selectOption('latency-budget');
  await settled(page, 8);
  assert.equal(await page.getByTestId('lesson-error').textContent(), '');
  await page.getByTestId('lesson-next').click();
  await settled(page, 9.9);
  assert.ok((await number(page, 'orders_over_budget')) > 100);
  await page.getByTestId('lesson-toggle').click();
  assert.equal(await page.getByTestId('lesson-text').count(), 0);
  assert.equal(await page.getByTestId('lesson-toggle').getAttribute('aria-expanded'), 'false');
  await page.getByTestId('lesson-close').click();
  assert.deepEqual(await highlighted(page), []);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [700, 'light'], [700, 'dark'], [390, 'light'], [390, 'dark']]) {
  test(`screenshot: a lesson step at ${width} px, ${scheme}`, async () => {
    const { context, page, problems } = await app.open('?lesson=request-response&step=2', {
      viewport: { width, height: width < 500 ? 844 : 860 },
      colorScheme: scheme,
    });
    await settled(page, 25);
    // The stage stays on screen below the card.
    const stage = await page.getByTestId('region-topology').locator('svg.stage__svg').boundingBox();
    assert.ok(stage && stage.y < (width < 500 ? 844 : 860), `stage at ${stage?.y}`);
    console.log(`screenshot: ${await screenshot(page, `lesson-${width}-${scheme}`)}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('another scenario picked during a lesson: the card says so and Back to the lesson reopens its scenario', async () => {
  const { context, page, problems } = await app.open('?lesson=queue&step=1');
  await page.getByTestId('lesson-status').waitFor({ state: 'attached' });
  const wanted = await page.getByTestId('preset').inputValue();
  await page.getByTestId('preset').selectOption('order-flow');
  await page.waitForFunction(() => /Another scenario is open/.test(document.querySelector('[data-testid=lesson-status]').textContent));
  assert.match(await page.getByTestId('lesson-status').textContent(), /Back to the lesson opens .+ again/);
  await page.getByTestId('lesson-back').click();
  await page.waitForFunction((w) => document.querySelector('[data-testid=preset]').value === w, wanted);
  await page.waitForFunction(() => !/Another scenario/.test(document.querySelector('[data-testid=lesson-status]').textContent));
  assert.deepEqual(problems, []);
  await context.close();
});
