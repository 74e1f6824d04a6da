// The release build loads under a sub-path with no console errors, and the
// shell is visible in light and dark themes and at phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchChromium, collectProblems, screenshot, SCREENSHOT_DIR } from './support.js';

const BASE = '/courses/patterns/playground/';
let server;
let browser;

before(async () => {
  server = await serveDist('dist', BASE);
  browser = await launchChromium();
  console.log(`screenshots: ${SCREENSHOT_DIR}`);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openShell(options) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(server.url, { waitUntil: 'load' });
  // The header is rendered by the wasm app: seeing it proves the module loaded and ran.
  await page.getByRole('heading', { level: 1, name: 'Patchbay' }).waitFor({ timeout: 15000 });
  return { context, page, problems };
}

for (const [name, options] of [
  ['shell-light', { colorScheme: 'light', viewport: { width: 1280, height: 800 } }],
  ['shell-dark', { colorScheme: 'dark', viewport: { width: 1280, height: 800 } }],
  ['shell-phone', { colorScheme: 'light', viewport: { width: 390, height: 844 }, isMobile: true }],
]) {
  test(`${name}: the app loads under a sub-path with no errors`, async () => {
    const { context, page, problems } = await openShell(options);
    for (const id of ['region-topology', 'region-inspector', 'region-timeline']) {
      assert.ok(await page.getByTestId(id).isVisible(), `${id} is visible`);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal overflow (${overflow}px)`);
    const file = await screenshot(page, name);
    console.log(`wrote ${file}`);
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('the theme follows prefers-color-scheme', async () => {
  const bg = {};
  for (const scheme of ['light', 'dark']) {
    const { context, page } = await openShell({ colorScheme: scheme });
    bg[scheme] = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await context.close();
  }
  assert.notEqual(bg.light, bg.dark);
});

test('a missing wasm module is caught as an error', async () => {
  // Guards the guard: if the wasm cannot load, the problems list must say so.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route('**/*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  const problems = collectProblems(page);
  await page.goto(server.url, { waitUntil: 'load' });
  await page.waitForTimeout(500);
  assert.ok(problems.length > 0, 'a failed wasm load is reported');
  assert.equal(await page.getByRole('heading', { level: 1, name: 'Patchbay' }).count(), 0);
  await context.close();
});

test("the scenario's story is on the page and follows the picker", async () => {
  const { context, page, problems } = await openShell({ viewport: { width: 1280, height: 800 } });
  const story = page.getByTestId('story');
  await story.waitFor();
  // The default scenario's first sentence is shown; the rest opens on demand.
  const lead = (await story.locator('.story__lead').textContent()).trim();
  assert.ok(lead.length > 20 && lead.endsWith('.'), `a whole first sentence: ${lead}`);
  const rest = story.locator('.story__rest');
  if (await rest.count()) {
    assert.equal(await rest.isVisible(), false, 'the rest is folded away at first');
    await story.locator('summary').click();
    assert.ok(await rest.isVisible(), 'More opens the rest');
  }
  await page.getByTestId('preset').selectOption('poison');
  await page.waitForFunction(
    (before) => document.querySelector('[data-testid=story] .story__lead')?.textContent.trim() !== before,
    lead,
  );
  assert.match(await story.locator('.story__lead').textContent(), /malformed/);
  assert.deepEqual(problems, []);
  await context.close();
});
