// Charts on the page: the metrics region's summary charts render with
// paths and axis labels on presets of several types; selecting a node or
// link shows its own charts in the inspector; the mmc preset shows the
// Erlang C prediction beside the measured wait and they agree; charts fit
// a 390 px phone without horizontal overflow. Screenshots at 1280, 700 and
// 390 px, light and dark, are written to be looked at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, screenshot } from './support.js';

const app = useApp();
const openAt = app.openAt;

/** Summary charts: their test ids, how many have a drawn path, and their axis labels. */
async function summary(page) {
  return page.evaluate(() => {
    const charts = [...document.querySelectorAll('[data-testid=summary-charts] figure.chart')];
    return charts.map((c) => ({
      id: c.dataset.testid,
      title: c.querySelector('figcaption').textContent,
      label: c.querySelector('svg').getAttribute('aria-label'),
      paths: [...c.querySelectorAll('path.chart__line')].map((p) => p.getAttribute('d') ?? ''),
      y: [...c.querySelectorAll('[data-testid=chart-y-tick]')].map((t) => t.textContent),
      x: [...c.querySelectorAll('[data-testid=chart-x-tick]')].map((t) => t.textContent),
      last: [...c.querySelectorAll('[data-testid=chart-last]')].map((t) => t.textContent),
    }));
  });
}

for (const [preset, at, expect] of [
  ['cascade', 20, /round trip/],
  ['poison-dlq', 30, /depth and dead letters/],
  ['schema-break', 20, /subscription: published, delivered, processed/],
  ['commit-before', 20, /lag per partition/],
  ['saga', 20, /sagas/],
  ['reconnect-storm', 12, /connections/],
  ['silent-batch', 31, /freshness/],
  ['seven', 30, /round trip/],
]) {
  test(`${preset}: summary charts render with paths, axes and newest values`, async () => {
    const { context, page, problems } = await openAt(`?scenario=${preset}&at=${at}&paused=1`);
    await page.getByTestId('summary-charts').locator('figure.chart').first().waitFor();
    const charts = await summary(page);
    assert.ok(charts.length >= 2 && charts.length <= 6, `${charts.length} charts`);
    assert.ok(charts.some((c) => expect.test(c.title)), charts.map((c) => c.title).join(' | '));
    for (const c of charts) {
      assert.ok(c.paths.some((d) => /^M[\d.]+ [\d.]+[LHV]/.test(d)), `${preset}: ${c.title} has a drawn line`);
      assert.ok(c.y.length >= 2, `${c.title}: y ticks ${c.y}`);
      assert.ok(c.x.length >= 2 && c.x.every((t) => /\d+ s|min|:\d\d| h/.test(t)), `${c.title}: x ticks ${c.x}`);
      assert.match(c.label, /over simulated time$/);
      assert.ok(c.last.length >= 1 && c.last.every((t) => /: /.test(t)), c.last.join(', '));
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('selecting a node or a link shows its charts in the inspector', async () => {
  const { context, page, problems } = await openAt('?scenario=poison-dlq&at=30&paused=1');
  await page.getByTestId('node-payments').click();
  const panel = page.getByTestId('selection-charts');
  await panel.waitFor();
  const titles = await panel.locator('figcaption').allTextContents();
  assert.ok(titles.some((t) => /depth and dead letters/.test(t)), titles.join(' | '));
  assert.ok(titles.some((t) => /oldest message's age/.test(t)), titles.join(' | '));
  assert.ok(titles.some((t) => /queue wait vs processing/.test(t)), titles.join(' | '));
  const d = await panel.locator('path.chart__line').first().getAttribute('d');
  assert.match(d, /^M/);
  // The queue's theory card sits beside its measured wait.
  await panel.getByTestId('theory').waitFor();
  assert.match(await panel.getByTestId('theory-measured').textContent(), /ms$/);
  console.log(`screenshot: ${await screenshot(page, 'charts-inspector-queue')}`);
  await context.close();

  const c2 = await openAt('?scenario=cascade&at=20&paused=1');
  const link = c2.page.locator('[data-testid^=link-]').first();
  await link.click();
  const linkPanel = c2.page.getByTestId('selection-charts');
  await linkPanel.waitFor();
  const linkTitles = await linkPanel.locator('figcaption').allTextContents();
  assert.ok(linkTitles.some((t) => /breaker state/.test(t)), linkTitles.join(' | '));
  assert.ok(linkTitles.some((t) => /retries and failures/.test(t)), linkTitles.join(' | '));
  const ticks = await linkPanel.locator('[data-testid=chart-y-tick]').allTextContents();
  assert.ok(ticks.includes('closed') && ticks.includes('open'), ticks.join(','));
  assert.deepEqual([...problems, ...c2.problems], []);
  await c2.context.close();
});

test("a call's latency chart draws its timeout and the order's budget, labels apart", async () => {
  const { context, page, problems } = await openAt('?scenario=cascade-protected&at=20&paused=1');
  await page.getByTestId('link-inventory-pricing').click();
  const chart = page.getByTestId('selection-charts').locator('figure.chart').filter({ hasText: 'round trip' });
  await chart.waitFor();
  const labels = await chart.locator('.chart__threshold-label').evaluateAll((ts) =>
    ts.map((t) => {
      const b = t.getBBox();
      return { text: t.textContent, box: { y: b.y, height: b.height } };
    }),
  );
  assert.deepEqual(labels.map((l) => l.text), ['timeout 200 ms', 'order budget 200 ms']);
  const [a, b] = labels.map((l) => l.box);
  assert.ok(a.y + a.height <= b.y || b.y + b.height <= a.y, `labels overlap: ${JSON.stringify([a, b])}`);
  assert.equal(await chart.locator('line.chart__threshold').count(), 2);
  assert.deepEqual(problems, []);
  await context.close();
});

test('mmc: the Erlang C prediction sits beside the measured wait and they agree', async () => {
  const { context, page, problems } = await openAt('?scenario=mmc&at=600&paused=1');
  const card = page.getByTestId('summary-charts').getByTestId('theory');
  await card.waitFor();
  const measured = Number(await card.getByTestId('theory-measured').getAttribute('data-ms'));
  const predicted = Number(await card.getByTestId('theory-predicted').getAttribute('data-ms'));
  assert.ok(measured > 0 && predicted > 0, `${measured} ${predicted}`);
  // Erlang C for λ ≈ 90/s, μ ≈ 10/s, 10 servers is about 67 ms.
  assert.ok(predicted > 45 && predicted < 95, `predicted ${predicted} ms`);
  assert.ok(Math.abs(measured - predicted) / predicted < 0.3, `measured ${measured} ms vs Erlang C ${predicted} ms`);
  assert.match(await card.getByTestId('theory-model').textContent(), /^Model M\/M\/10: .* 10 workers serve them \(c = 10\)\.$/);
  assert.match(await card.getByTestId('theory-predictor').textContent(), /^Erlang C: the probability that an arrival finds every worker busy and has to wait \(now \d+ %\)/);
  assert.match(await card.getByTestId('theory-little').textContent(), /Little's law.*they agree/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('charts fit a 390 px phone without horizontal overflow; screenshots in both themes and three widths', async () => {
  for (const [name, options] of [
    ['charts-1280-light', {}],
    ['charts-1280-dark', { colorScheme: 'dark' }],
    ['charts-700-light', { viewport: { width: 700, height: 900 } }],
    ['charts-700-dark', { viewport: { width: 700, height: 900 }, colorScheme: 'dark' }],
    ['charts-390-light', { viewport: { width: 390, height: 844 }, isMobile: true }],
    ['charts-390-dark', { viewport: { width: 390, height: 844 }, isMobile: true, colorScheme: 'dark' }],
  ]) {
    const { context, page, problems } = await openAt('?scenario=mmc&at=120&paused=1', options);
    await page.getByTestId('summary-charts').locator('figure.chart').first().waitFor();
    const width = options.viewport?.width ?? 1280;
    const overflow = await page.evaluate(() => {
      const wide = [...document.querySelectorAll('figure.chart, [data-testid=theory]')].filter(
        (el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5,
      );
      return { scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth, wide: wide.length };
    });
    assert.ok(overflow.scroll <= width, `${name}: page ${overflow.scroll} px wide`);
    assert.equal(overflow.wide, 0, `${name}: a chart sticks out`);
    await page.getByTestId('summary-charts').scrollIntoViewIfNeeded();
    console.log(`screenshot: ${await screenshot(page, name)}`);
    assert.deepEqual(problems, []);
    await context.close();
  }
  // A busier scenario in dark, and a selected service at phone width.
  const seven = await openAt('?scenario=seven&at=40&paused=1', { colorScheme: 'dark' });
  await seven.page.getByTestId('summary-charts').locator('figure.chart').first().waitFor();
  console.log(`screenshot: ${await screenshot(seven.page, 'charts-seven-dark')}`);
  await seven.context.close();
  const phone = await openAt('?scenario=cascade&at=20&paused=1', { viewport: { width: 390, height: 844 }, isMobile: true });
  await phone.page.getByTestId('node-inventory').click();
  await phone.page.getByTestId('selection-charts').waitFor();
  const sticks = await phone.page.evaluate(
    () => [...document.querySelectorAll('[data-testid=selection-charts] figure.chart')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5).length,
  );
  assert.equal(sticks, 0, 'inspector charts fit the phone');
  await phone.page.getByTestId('selection-charts').scrollIntoViewIfNeeded();
  await phone.page.screenshot({ path: 'test-results/screenshots/charts-390-inspector.png' });
  assert.deepEqual(phone.problems, []);
  await phone.context.close();
});

test('a call that stopped answering: its latency chart runs to now and says since when', async () => {
  // Pricing slows down 500 times at 10 s; from then on no call to it comes back.
  const { context, page, problems } = await openAt('?scenario=cascade-protected&at=25&paused=1');
  await page.getByTestId('link-inventory-pricing').click();
  const panel = page.getByTestId('selection-charts');
  const latency = panel.locator('figure.chart', { hasText: 'round trip of answered calls' });
  const breaker = panel.locator('figure.chart', { hasText: 'breaker state' });
  await latency.waitFor();
  const note = latency.getByTestId('chart-note');
  assert.match(await note.textContent(), /^No call has been answered since 1[01] s, so the lines stop there\.$/);
  assert.ok(await note.isVisible());
  // The picture's description is the note.
  const described = await latency.locator('svg').evaluate((svg) =>
    document.getElementById(svg.getAttribute('aria-describedby'))?.textContent,
  );
  assert.equal(described, await note.textContent());
  // The legend says there is no newest value instead of the last one from before.
  for (const t of await latency.getByTestId('chart-last').allTextContents()) {
    assert.match(t, /^p(50|99): none since 1[01] s$/);
  }
  // One time axis with the breaker chart beside it, and no line drawn over the silence.
  const ticks = (fig) => fig.locator('[data-testid=chart-x-tick]').allTextContents();
  assert.deepEqual(await ticks(latency), await ticks(breaker));
  assert.ok((await ticks(latency)).includes('20 s'), (await ticks(latency)).join(' '));
  const lastX = await latency.locator('path.chart__line').first().evaluate((p) => p.getBBox().x + p.getBBox().width);
  assert.ok(lastX < 200, `the p50 line ends at the last answer, x ${lastX}`);
  // While calls come back, there is nothing to say.
  const other = panel.locator('figure.chart').first();
  await page.getByTestId('link-browser-api').click();
  await other.filter({ hasText: 'Order API' }).waitFor();
  assert.equal(await other.getByTestId('chart-note').isVisible(), false);
  assert.deepEqual(problems, []);
  await context.close();
});

test("every y tick label fits inside its chart: a breaker's half-open at 1280 and 390 px", async () => {
  for (const width of [1280, 390]) {
    const { context, page, problems } = await openAt('?scenario=cascade-protected&at=25&paused=1', { viewport: { width, height: 900 } });
    // By keyboard: on a phone the stage draws compact links, too thin to click reliably.
    await page.getByTestId('link-inventory-pricing').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('selection-charts').waitFor();
    const cut = await page.evaluate(() => {
      const out = [];
      const labels = document.querySelectorAll('[data-testid=selection-charts] [data-testid=chart-y-tick], [data-testid=summary-charts] [data-testid=chart-y-tick]');
      for (const t of labels) {
        const chart = t.closest('figure.chart').getBoundingClientRect();
        const svg = t.closest('svg').getBoundingClientRect();
        const r = t.getBoundingClientRect();
        if (r.left < svg.left - 0.5 || r.left < chart.left - 0.5) out.push(`${t.textContent} at ${r.left.toFixed(1)} (chart from ${svg.left.toFixed(1)})`);
      }
      return { count: labels.length, out, breaker: [...labels].some((t) => t.textContent === 'half-open') };
    });
    assert.ok(cut.breaker, 'the breaker chart is drawn');
    assert.deepEqual(cut.out, [], `at ${width} px`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});
