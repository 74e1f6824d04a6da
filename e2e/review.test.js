// A stranger's review of the page, item by item: the text above the stage
// never states what the run no longer does (a lesson step's own story, or
// the description marked as how the scenario started); a lesson step's
// fast-forward keeps its key event in the log; at 700 × 900 the inspector's
// sheet does not cover the selected node; an imported file is named as
// such, not as the preset it replaced; an empty field's words fit it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp, atStep } from './support.js';

const app = useApp();

const text = async (page, id) => (await page.getByTestId(id).textContent()).trim();


const story = (page) => page.locator('[data-testid=story] .story__text').textContent();

test('stream lesson: the story above the stage follows the step that changed the commit policy', async () => {
  const { context, page, problems } = await app.open('?lesson=stream');
  await atStep(page, 1, 9);
  assert.match(await story(page), /as soon as it polls a batch/);
  assert.equal(await page.getByTestId('story-was').count(), 0);
  await page.getByTestId('lesson-next').click();
  await atStep(page, 2, 20);
  await page.getByTestId('lesson-next').click();
  await atStep(page, 3, 20);
  // The mitigation notice and the story agree: commit after processing.
  let said = await story(page);
  assert.doesNotMatch(said, /as soon as it polls/, said);
  assert.match(said, /only after a polled batch is processed/, said);
  // The preset's title no longer heads the run as if it held.
  assert.equal(await text(page, 'story-title'), 'Commit before processing (changed)');
  assert.equal(await page.getByTestId('story-was').count(), 0, 'the step story is not marked');
  await page.getByTestId('lesson-next').click();
  await atStep(page, 4, 20);
  assert.match(await story(page), /idempotent/);
  // The learner changes the run (another seed): the step's story no longer
  // holds, and the scenario's own description is marked as how it started.
  const seed = page.getByTestId('seed');
  await seed.fill('99');
  await seed.dispatchEvent('change');
  await page.getByTestId('story-was').waitFor();
  assert.equal(await text(page, 'story-was'), 'Before the changes:');
  assert.match(await story(page), /as soon as it polls/);
  // Back to the lesson: the step's story again.
  await page.getByTestId('lesson-back').click();
  await atStep(page, 4, 20);
  assert.equal(await page.getByTestId('story-was').count(), 0);
  assert.match(await story(page), /idempotent/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a share link of a lesson's fix step: its run may hold changes of its own, so the description is marked", async () => {
  const { context, page, problems } = await app.open('?lesson=stream&step=3');
  await atStep(page, 3, 20);
  await page.locator('[data-testid=share-menu] > summary').click();
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('share-link').inputValue();
  await context.close();
  const other = await app.browser.newContext({ viewport: { width: 1280, height: 860 } });
  const opened = await other.newPage();
  await opened.goto(link);
  await opened.getByTestId('clock').waitFor();
  await opened.waitForFunction(
    () => !document.querySelector('[data-testid=fast-forward]') && parseFloat(document.querySelector('[data-testid=clock]').textContent) >= 20,
    null,
    { timeout: 60000 },
  );
  assert.equal(await text(opened, 'lesson-step'), 'Step 3 of 4');
  await opened.getByTestId('story-was').waitFor();
  assert.doesNotMatch(await story(opened), /^The Fulfilment group now commits/);
  assert.deepEqual(problems, []);
  await other.close();
});

test('a change of a preset by hand marks its description as how it started; undo takes the mark away', async () => {
  const { context, page, problems } = await app.open('?scenario=poison&paused=1');
  assert.equal(await page.getByTestId('story-was').count(), 0);
  await page.getByTestId('node-payments').click();
  const field = page.getByTestId('set-max-receives');
  await field.fill('3');
  await field.press('Enter');
  await page.getByTestId('story-was').waitFor();
  assert.match(await story(page), /^Before the changes:/);
  assert.equal(await text(page, 'story-title'), 'Poison messages (changed)');
  await page.getByTestId('undo').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=story-was]'));
  assert.equal(await text(page, 'story-title'), 'Poison messages');
  assert.deepEqual(problems, []);
  await context.close();
});

test("saga lesson step 3: the fast-forward keeps its key event, saga 16 needing a person at 8.5 s", async () => {
  const { context, page, problems } = await app.open('?lesson=saga&step=2');
  await atStep(page, 2, 7.5);
  await page.getByTestId('lesson-next').click();
  await atStep(page, 3, 20);
  await page.getByTestId('log-severity').selectOption('2');
  await page.waitForFunction(
    () => [...document.querySelectorAll('[data-testid=event-row]')].some((r) => /Saga 16 needs a person/.test(r.textContent)),
    null,
    { timeout: 10000 },
  );
  const row = page.locator('[data-testid=event-row]', { hasText: 'Saga 16 needs a person' });
  assert.match(await row.first().textContent(), /8\.\d+ s|0:08/);
  assert.deepEqual(problems, []);
  await context.close();
});

/** The rectangle of the element with test id `id`. */
const box = (page, id) => page.getByTestId(id).boundingBox();
const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

test('at 700 × 900 the inspector sheet does not cover the selected node, and the person pans freely after', async () => {
  const { context, page, problems } = await app.open('?scenario=seven&paused=1', { viewport: { width: 700, height: 900 } });
  // The lowest node on the stage: the one the sheet would cover.
  const lowest = await page.evaluate(() => {
    const nodes = [...document.querySelectorAll('[data-testid^=node-][data-node]')];
    nodes.sort((a, b) => b.getBoundingClientRect().bottom - a.getBoundingClientRect().bottom);
    return nodes[0].dataset.testid;
  });
  await page.getByTestId(lowest).click();
  const sheet = page.getByTestId('region-inspector');
  await page.waitForFunction(() => getComputedStyle(document.querySelector('[data-testid=region-inspector]')).position === 'fixed');
  // The view pans in the frames after the sheet opens; wait until it is still.
  let last = '';
  for (let i = 0; i < 20; i += 1) {
    await page.waitForTimeout(100);
    const now = await page.locator('.stage__world').getAttribute('transform');
    if (now === last) break;
    last = now;
  }
  const node = await box(page, lowest);
  const covered = await sheet.boundingBox();
  assert.ok(!overlaps(node, covered), `${lowest} ${JSON.stringify(node)} is under the sheet ${JSON.stringify(covered)}`);
  const stage = await box(page, 'stage');
  assert.ok(node.y >= stage.y && node.y + node.height <= stage.y + stage.height, 'the node is on the stage');
  // The person's own pan stands: nothing pans it back.
  await page.getByTestId('stage').focus();
  await page.keyboard.press('ArrowUp');
  const panned = await page.locator('.stage__world').getAttribute('transform');
  assert.notEqual(panned, last);
  await page.waitForTimeout(500);
  assert.equal(await page.locator('.stage__world').getAttribute('transform'), panned);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an imported file is named as imported in the title and the picker, not as the preset it replaced', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
  const exported = await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString());
  assert.equal(JSON.parse(exported).name, 'cascade', 'the file keeps the preset name');
  await page.getByTestId('preset').selectOption('poison');
  await page.getByTestId('import').setInputFiles({ name: 'my-cascade.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
  await page.waitForFunction(() => document.querySelector('[data-testid=story-title]').textContent === 'Imported: my-cascade.json');
  const picked = await page.getByTestId('preset').evaluate((s) => ({ value: s.value, text: s.selectedOptions[0]?.textContent }));
  assert.deepEqual(picked, { value: '', text: 'Imported: my-cascade.json' });
  // Picking a preset again (asked first: the import would be lost) names it, and the imported entry goes.
  await page.getByTestId('preset').selectOption('cascade');
  await page.getByTestId('confirm-discard-ok').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=story-title]').textContent === 'Cascade: no protection');
  assert.equal(await page.getByTestId('preset-imported').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

/** How much of the placeholder's text does not fit the field's content box, in px. */
const placeholderOverflow = (page, id) =>
  page.getByTestId(id).evaluate((input) => {
    const st = getComputedStyle(input);
    const ctx = document.createElement('canvas').getContext('2d');
    ctx.font = `${st.fontStyle} ${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
    const room = input.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    return ctx.measureText(input.placeholder).width - room;
  });

for (const width of [1280, 700]) {
  test(`at ${width} px the queue's "no dead-letter queue" fits its field, inside the inspector`, async () => {
    const { context, page, problems } = await app.open('?scenario=poison&paused=1', { viewport: { width, height: 900 } });
    await page.getByTestId('node-payments').click();
    const id = 'set-max-receives';
    await page.getByTestId(id).waitFor();
    assert.equal(await page.getByTestId(id).inputValue(), '', 'the poison queue has no dead-letter queue');
    assert.equal(await page.getByTestId(id).getAttribute('placeholder'), 'no dead-letter queue');
    const over = await placeholderOverflow(page, id);
    // clientWidth is whole pixels; a field sized to its content may round a fraction below it.
    assert.ok(over < 1, `the placeholder overflows by ${over} px`);
    const field = await box(page, id);
    const inspector = await box(page, 'region-inspector');
    assert.ok(field.x >= inspector.x && field.x + field.width <= inspector.x + inspector.width, 'inside the inspector');
    // Its label keeps one line beside or above it.
    const label = await page.locator(`label[for=${id}]`).boundingBox();
    assert.ok(label.height < 30, `the label is ${label.height} px tall`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}
