// The end of a lesson: its last step says the lesson is finished, in sight
// and to screen readers, and leads on in Next's place, by keyboard: to the
// next lesson in the picker's order, or after the last lesson to exploring
// the run freely with the Lesson list. (Before, Next only greyed out.)
// Screenshots of a last step at 1280 and 390 px, light and dark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, atStep, screenshot } from './support.js';

const app = useApp();
const focused = (page) => page.evaluate(() => document.activeElement?.dataset.testid ?? document.activeElement?.tagName);

test('the last step is finished and Next lesson, reached by keyboard, opens the next lesson', async () => {
  const { context, page, problems } = await app.open('?lesson=queue&step=3');
  await atStep(page, 3, 30);
  assert.equal(await page.getByTestId('lesson-done').isVisible(), false, 'not finished before the last step');
  assert.equal(await page.getByTestId('lesson-onward').isVisible(), false);
  // Next pressed with the keyboard: the last step, and the focus on the way on.
  await page.getByTestId('lesson-next').focus();
  await page.keyboard.press('Enter');
  await atStep(page, 4, 30);
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'lesson-onward');
  assert.equal(await page.getByTestId('lesson-next').isVisible(), false, 'Next gives its place to the way on');
  const done = page.getByTestId('lesson-done');
  assert.equal(await done.isVisible(), true);
  assert.match(await done.textContent(), /Lesson finished\. Next: “3 · Publish-subscribe: a schema change breaks one subscriber silently”\./);
  const onward = page.getByTestId('lesson-onward');
  assert.equal(await onward.textContent(), 'Next lesson');
  // Its accessible description names where it goes.
  assert.equal(await onward.getAttribute('aria-describedby'), 'lesson-done');
  assert.match(
    await page.getByTestId('announcer').textContent(),
    /Lesson step 4 of 4: .* This was the last step: the lesson is finished\. Next lesson: 3 · Publish-subscribe/,
  );
  // Shift+Tab and Tab go between Previous and the way on.
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focused(page), 'lesson-prev');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'lesson-onward');
  await page.keyboard.press('Enter');
  // The publish-subscribe lesson's first step runs to 9 s.
  await atStep(page, 1, 9);
  assert.equal(await page.getByTestId('lesson-picker').inputValue(), 'pubsub');
  assert.match(await page.getByTestId('lesson-step').textContent(), /^Step 1 of \d+$/);
  assert.equal(await page.getByTestId('lesson-done').isVisible(), false);
  // The focus stays in the card, on the new lesson's Next.
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'lesson-next');
  assert.deepEqual(problems, []);
  await context.close();
});

test('after the last lesson the way on is to explore freely: the lesson closes and the focus goes to the Lesson list', async () => {
  const { context, page, problems } = await app.open('?lesson=latency-budget&step=3');
  await atStep(page, 3, 9.9);
  const onward = page.getByTestId('lesson-onward');
  assert.equal(await onward.textContent(), 'Explore freely');
  assert.match(await page.getByTestId('lesson-done').textContent(), /Lesson finished\. That was the last lesson/);
  const clock = await page.getByTestId('clock').textContent();
  await onward.focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('lesson-step').waitFor({ state: 'detached' });
  assert.equal(await focused(page), 'lesson-picker');
  assert.equal(await page.getByTestId('lesson-picker').inputValue(), '');
  assert.equal(await page.getByTestId('clock').textContent(), clock, 'the run stays as it was, to explore');
  assert.match(await page.getByTestId('announcer').textContent(), /Lesson closed: the run is yours to explore/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a share link made at the last step opens it finished, and says so to screen readers', async () => {
  const { context, page, problems } = await app.open('?lesson=queue&step=4');
  await atStep(page, 4, 30);
  // The address bar keeps the page's own link, written after the autosave's quiet.
  await page.waitForFunction(() => /#v2\./.test(location.hash));
  const link = await page.evaluate(() => location.href.replace(/\?[^#]*/, ''));
  // Everything the live region says, in order (a monitor's alert may follow at once).
  await context.addInitScript(() => {
    window.__said = [];
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid=announcer]')?.textContent;
      if (text && text !== window.__said.at(-1)) window.__said.push(text);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto('about:blank');
  await page.goto(link);
  await page.getByTestId('lesson-done').waitFor();
  assert.match(await page.getByTestId('lesson-step').textContent(), /^Step 4 of 4$/);
  // Before, a link's lesson step was shown but nothing was said of it.
  await page.waitForFunction(() =>
    window.__said.some((t) =>
      /^Restored the run: .* Lesson step 4 of 4: .* This was the last step: the lesson is finished\. Next lesson: 3 · Publish-subscribe/.test(t),
    ),
  );
  assert.deepEqual(problems, []);
  await context.close();
});

for (const [width, scheme] of [[1280, 'light'], [1280, 'dark'], [390, 'light'], [390, 'dark']]) {
  test(`screenshot: a lesson's last step at ${width} px, ${scheme}`, async () => {
    const { context, page, problems } = await app.open('?lesson=queue&step=4', {
      viewport: { width, height: width < 500 ? 844 : 860 },
      colorScheme: scheme,
    });
    await atStep(page, 4, 30);
    await page.getByTestId('lesson-done').waitFor();
    console.log(`screenshot: ${await screenshot(page, `lesson-end-${width}-${scheme}`)}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
