// Every built-in lesson, end to end on the page: open `?lesson=NAME`, walk
// every step with Next (waiting for the step's run: its fast-forward done,
// the clock at the step's time, paused), and at each step with expectations
// (the failure and the fix) check the numbers the lesson points at as the
// page shows them: the lesson card's live numbers, and the metrics region's
// counters for the run-wide ones. tests/lessons.rs checks the same bounds
// headless; this checks that the page shows them.
//
// With LESSON_SHOTS=DIR (e.g. /tmp/lesson-shots) it also takes a screenshot
// of each lesson's failure step (the step before the first fix that starts
// again from zero) at 1280 px light and dark and at 390 px; off by default
// to keep CI's run short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useApp } from './support.js';

const app = useApp();
const DIR = 'src/engine/lessons';
const lessons = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')));

/** Run-wide numbers the metrics region shows too, by its test id. */
const PANEL = {
  orders_placed: 'orders-placed',
  orders_ok: 'orders-ok',
  orders_failed: 'orders-failed',
  messages_failed: 'messages-failed',
  dead_lettered: 'dead-lettered',
};

/** The time step k (from 0) reaches: the latest until_s so far (as Lesson::time_of). */
const timeOf = (lesson, k) =>
  lesson.steps
    .slice(0, k + 1)
    .map((s) => s.until_s)
    .filter((t) => t !== undefined)
    .pop() ?? 0;

/** The failure step: the one before the first step that starts again from zero. */
const failureStep = (lesson) => {
  const fix = lesson.steps.findIndex((s, k) => k > 0 && s.at_s === 0);
  return fix > 0 ? fix - 1 : lesson.steps.length - 1;
};

async function settled(page, k, n, t) {
  await page.waitForFunction(
    ([label, t]) =>
      document.querySelector('[data-testid=lesson-step]')?.textContent === label &&
      !document.querySelector('[data-testid=fast-forward]') &&
      Math.abs(parseFloat(document.querySelector('[data-testid=clock]').textContent) - t) < 0.05 &&
      document.querySelector('[data-testid=play]')?.textContent === 'Play',
    [`Step ${k + 1} of ${n}`, t],
    { timeout: 90000 },
  );
}

/** A number the page shows for `key`: the card's, or the metrics region's. */
async function shown(page, lesson, k, key) {
  const watch = lesson.steps[k].watch ?? lesson.watch ?? [];
  if (watch.includes(key)) {
    const card = Number((await page.getByTestId(`lesson-number-${key}`).textContent()).trim());
    if (PANEL[key]) {
      assert.equal(Number(await page.getByTestId(PANEL[key]).textContent()), card, `${key}: card and metrics agree`);
    }
    return card;
  }
  assert.ok(PANEL[key], `${lesson.name} step ${k + 1}: ${key} is neither watched nor in the metrics region`);
  return Number((await page.getByTestId(PANEL[key]).textContent()).trim());
}

for (const lesson of lessons) {
  test(`lesson ${lesson.name}: every step, its failure and its fix shown on the page`, async () => {
    const { context, page, problems } = await app.open(`?lesson=${lesson.name}`);
    const n = lesson.steps.length;
    for (let k = 0; k < n; k += 1) {
      if (k > 0) await page.getByTestId('lesson-next').click();
      await settled(page, k, n, timeOf(lesson, k));
      const focus = lesson.steps[k].focus;
      if (focus) {
        const lit = await page.evaluate(() =>
          [...document.querySelectorAll('.node--lesson, .link--lesson')].map((e) => e.dataset.testid),
        );
        assert.ok(lit.some((id) => id.endsWith(`-${focus}`)), `${lesson.name} step ${k + 1} outlines ${focus}: ${lit}`);
      }
      // A step that switches monitoring on shows the alert it raises, announced.
      for (const e of (lesson.steps[k].edits ?? []).filter((e) => e.type === 'set_monitor' && e.on)) {
        const alert = page.locator(`[data-testid=alert][data-id="${e.target}"]`);
        await alert.first().waitFor({ timeout: 10000 });
        assert.ok((await page.getByTestId('count-alerts').textContent()).trim() !== '0');
        assert.equal(await page.locator(`[data-testid=monitor-switch][data-id="${e.target}"]`).isChecked(), true);
      }
      for (const { metric, min, max } of lesson.steps[k].expect ?? []) {
        const v = await shown(page, lesson, k, metric);
        const where = `${lesson.name} step ${k + 1}: ${metric} = ${v}`;
        if (min !== undefined) assert.ok(v >= min, `${where}, expected at least ${min}`);
        if (max !== undefined) assert.ok(v <= max, `${where}, expected at most ${max}`);
      }
    }
    // The last step says the lesson is finished, and in Next's place leads
    // on: to the picker's next lesson, or after the last one to exploring.
    assert.equal(await page.getByTestId('lesson-next').isVisible(), false, 'Next stops at the last step');
    assert.match(await page.getByTestId('lesson-done').textContent(), /Lesson finished\./);
    const titles = await page.getByTestId('lesson-picker').locator('option').evaluateAll((os) =>
      os.filter((o) => o.value).map((o) => [o.value, o.textContent]),
    );
    const next = titles[titles.findIndex(([name]) => name === lesson.name) + 1];
    const onward = page.getByTestId('lesson-onward');
    assert.equal(await onward.isVisible(), true);
    assert.equal(await onward.textContent(), next ? 'Next lesson' : 'Explore freely');
    if (next) assert.ok((await page.getByTestId('lesson-done').textContent()).includes(`“${next[1]}”`));
    assert.deepEqual(problems, []);
    await context.close();
  });
}

const shots = process.env.LESSON_SHOTS;
if (shots) {
  for (const lesson of lessons) {
    for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [390, 'light']]) {
      test(`screenshot: lesson ${lesson.name}'s failure step at ${width} px, ${scheme}`, async () => {
        const k = failureStep(lesson);
        const { context, page, problems } = await app.open(`?lesson=${lesson.name}&step=${k + 1}`, {
          viewport: { width, height: width < 500 ? 844 : 860 },
          colorScheme: scheme,
        });
        await settled(page, k, lesson.steps.length, timeOf(lesson, k));
        fs.mkdirSync(shots, { recursive: true });
        const file = path.join(shots, `${lesson.name}-step${k + 1}-${width}-${scheme}.png`);
        // Narrow, the page is long: the top (the stage) and the card, each as the screen shows it.
        await page.screenshot({ path: file, fullPage: width > 500 });
        console.log(`screenshot: ${file}`);
        if (width <= 500) {
          await page.getByTestId('lesson').evaluate((e) => e.scrollIntoView());
          const card = file.replace('.png', '-card.png');
          await page.screenshot({ path: card });
          console.log(`screenshot: ${card}`);
        }
        assert.deepEqual(problems, []);
        await context.close();
      });
    }
  }
}
