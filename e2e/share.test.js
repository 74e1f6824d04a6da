// Share links, autosave and exports on the release build: a copied link
// opens the same run in a fresh browser (same trace hash at the same
// time); edits survive a reload; work saved before is set aside, not
// replaced, when a link's page saves; a damaged autosave is set aside with a
// notice; storage that throws leaves the app working; an unknown scenario
// name is named; labels with markup stay text; the loading placeholder is
// in the served HTML and gone once the app is up; SVG, PNG and trace downloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { useApp, screenshot, collectProblems, spoken } from './support.js';

const app = useApp();

const trace = (page) =>
  page.getByTestId('trace').evaluate((el) => ({ hash: el.dataset.hash, time: Number(el.dataset.time) }));
const nodeIds = (page) => page.locator('[data-testid^=node-]').evaluateAll((els) => els.map((e) => e.dataset.testid));

async function copyLink(page) {
  await page.locator('[data-testid=share-menu] > summary').click();
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /#v2\.[A-Za-z0-9_-]+$/, link);
  return link;
}

/** A plain visit (no autosave yet) with one service added and saved: the page and what it saved. */
async function savedEdit() {
  const { context, page, problems } = await app.open('?paused=1');
  await page.goto(app.server.url);
  await page.getByTestId('clock').waitFor();
  await page.getByTestId('add-service').click();
  await page.waitForFunction(() => localStorage.getItem('patchbay.autosave')?.startsWith('v2.'));
  const saved = await page.evaluate(() => localStorage.getItem('patchbay.autosave'));
  return { context, page, problems, saved };
}

test('the placeholder is in the served page and goes once the app is up', async () => {
  const html = await (await fetch(app.server.url)).text();
  assert.match(html, /id="loading"/);
  assert.match(html, /<noscript>/);
  assert.match(html, /loading__spinner/);
  const { context, page, problems } = await app.open('?paused=1');
  assert.equal(await page.locator('#loading').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a copied link opens the same run in a fresh browser: same trace hash at the same time', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&speed=2');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 2);
  await page.getByTestId('node-pricing').click();
  await page.getByTestId('fault-crash').click();
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 4);
  await page.getByTestId('play').click(); // pause
  await page.getByTestId('node-inventory').click();
  await page.keyboard.press('ArrowRight'); // a node moved by key: a position in the link
  await page.waitForTimeout(100);
  const link = await copyLink(page);
  const before = await trace(page);
  assert.ok(before.time > 4_000_000, `paused after 4 s (${before.time} µs)`);
  assert.match(await page.getByTestId('share-status').textContent(), /Link copied|Copy the link/);
  // Said once: the page's announcer speaks it, the visible status is not a second live region.
  assert.equal(await page.getByTestId('share-status').getAttribute('role'), null);
  assert.match(await page.getByTestId('announcer').textContent(), /Link copied|Copy the link/);
  await screenshot(page, 'share-menu-1280-light');
  console.log(`link for cascade with a fault and a move: ${link.split('#')[1].length} characters`);

  const fresh = await app.browser.newContext({ viewport: { width: 1280, height: 860 } });
  const other = await fresh.newPage();
  const otherProblems = collectProblems(other);
  await other.goto(link);
  await other.getByTestId('clock').waitFor();
  const after = await trace(other);
  assert.deepEqual(after, before, 'same hash at the same simulated time');
  assert.equal(await other.getByTestId('play').getAttribute('data-playing'), await page.getByTestId('play').getAttribute('data-playing'));
  assert.deepEqual(otherProblems, []);
  assert.deepEqual(problems, []);
  await fresh.close();
  await context.close();
});

test('a link made after picking another scenario holds only what was done since', async () => {
  const { context, page, problems } = await app.open('?paused=1');
  await page.getByTestId('add-service').click();
  await page.getByTestId('preset').selectOption('cascade');
  await page.getByTestId('confirm-discard-ok').click(); // over a changed run it asks first
  await page.getByTestId('node-pricing').click();
  await page.getByTestId('fault-crash').click();
  const link = await copyLink(page);
  const before = await trace(page);
  const fresh = await app.browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await other.getByTestId('clock').waitFor();
  assert.deepEqual(await nodeIds(other), ['node-browser', 'node-order-api', 'node-inventory', 'node-pricing']);
  const after = await trace(other);
  if (after.time === before.time) assert.equal(after.hash, before.hash);
  assert.deepEqual(problems, []);
  await fresh.close();
  await context.close();
});

test('edits survive a reload and a visit without the link (autosave)', async () => {
  const { context, page, problems } = await app.open('?paused=1');
  // Without a scenario in the query, the autosave is what the next visit opens.
  await page.goto(app.server.url);
  await page.getByTestId('clock').waitFor();
  await page.getByTestId('add-service').click();
  await page.waitForFunction(() => /#v2\./.test(location.hash));
  assert.ok((await nodeIds(page)).includes('node-service'));
  await page.reload();
  await page.getByTestId('clock').waitFor();
  // The link is played back in budgeted slices: give a loaded machine time.
  await page.getByTestId('node-service').waitFor({ timeout: 20000 }); // the fragment brings it back
  await page.waitForFunction(() => localStorage.getItem('patchbay.autosave')?.startsWith('v2.'));
  await page.goto(app.server.url);
  await page.getByTestId('clock').waitFor();
  await page.getByTestId('node-service').waitFor({ timeout: 20000 }); // the autosave brings it back
  assert.equal(await page.getByTestId('share-notice').count(), 0);
  // Reset to default asks first, in our own dialog; Cancel keeps everything.
  await page.locator('[data-testid=share-menu] > summary').click();
  await page.getByTestId('reset-default').click();
  const dialog = page.getByRole('dialog', { name: 'Reset to the default scenario?' });
  await dialog.waitFor();
  await screenshot(page, 'share-confirm-1280-light');
  await page.getByTestId('confirm-reset-cancel').click();
  assert.ok((await nodeIds(page)).includes('node-service'));
  await page.getByTestId('reset-default').click();
  await page.getByTestId('confirm-reset-ok').click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=node-service]'));
  assert.equal(await page.evaluate(() => location.hash), '', 'the fragment is dropped');
  assert.deepEqual(problems, []);
  await context.close();
});

test('work saved before is set aside, not replaced, when a link\'s page saves; the Share menu opens it again', async () => {
  const { context, page, problems, saved: mine } = await savedEdit();
  // A scenario link opened in another tab (as from a course page): its first change saves.
  const other = await context.newPage();
  const otherProblems = collectProblems(other);
  await other.goto(app.server.url + '?scenario=cascade');
  await other.getByTestId('clock').waitFor();
  await other.getByTestId('add-service').click();
  await other.waitForFunction((m) => ![null, m].includes(localStorage.getItem('patchbay.autosave')), mine);
  assert.match(await other.getByTestId('share-notice').innerText(), /set aside, not replaced/);
  assert.match(await other.evaluate(() => localStorage.getItem('patchbay.autosave.earlier')), new RegExp(`^\\d+ ${mine}\n$`));
  const theirs = await other.evaluate(() => localStorage.getItem('patchbay.autosave'));
  // Later writes from that tab replace its own save, and set nothing more aside.
  await other.getByTestId('add-service').click();
  await other.waitForFunction((t) => localStorage.getItem('patchbay.autosave') !== t, theirs);
  assert.equal((await other.evaluate(() => localStorage.getItem('patchbay.autosave.earlier'))).split('\n').length, 2);
  await other.close();
  // A plain visit opens the latest save; the earlier one is in the Share menu, and opening it sets the other aside.
  await page.goto(app.server.url);
  await page.getByTestId('clock').waitFor();
  await page.locator('[data-testid=share-menu] > summary').click();
  const earlier = page.locator('[data-testid=earlier-open]:visible');
  assert.equal(await earlier.count(), 1);
  assert.match(await earlier.innerText(), /^All seven ways, one order flow, 1 change, at \d+ s; set aside just now$/);
  await screenshot(page, 'share-earlier-1280-light');
  await earlier.click();
  await page.getByTestId('node-service').waitFor({ timeout: 20000 });
  assert.equal(await page.evaluate(() => localStorage.getItem('patchbay.autosave')), mine);
  assert.equal(await earlier.count(), 1);
  assert.match(await earlier.innerText(), /^Cascade: no protection, 2 changes,/);
  assert.deepEqual(problems, []);
  assert.deepEqual(otherProblems, []);
  await context.close();
});

test('a changed run replaced in the same tab (a picked scenario, Reset to default) is set aside too', async () => {
  const { context, page, problems, saved: edited } = await savedEdit();
  const saved = () => page.evaluate(() => localStorage.getItem('patchbay.autosave'));
  const earlier = () => page.evaluate(() => localStorage.getItem('patchbay.autosave.earlier'));
  // Picking another scenario asks first; once confirmed, the changed run goes to Earlier work, not away.
  await page.getByTestId('preset').selectOption('cascade');
  await page.getByTestId('confirm-discard-ok').click();
  await page.waitForFunction((e) => ![null, e].includes(localStorage.getItem('patchbay.autosave')), edited);
  assert.match(await earlier(), new RegExp(`^\\d+ ${edited}\n$`));
  assert.match(await page.getByTestId('share-notice').innerText(), /run you had changed was set aside/);
  // A run that goes on (more changes, Reset on a seed) sets nothing more aside.
  const loaded = await saved();
  await page.getByTestId('add-service').click();
  await page.waitForFunction((l) => localStorage.getItem('patchbay.autosave') !== l, loaded);
  await page.waitForTimeout(600); // any write still waiting for its quiet
  assert.equal((await earlier()).split('\n').length, 2, 'one save set aside so far');
  // Reset to default over the changed cascade: it is set aside too, newest first.
  const cascadeEdited = await saved();
  await page.locator('[data-testid=share-menu] > summary').click();
  await page.getByTestId('reset-default').click();
  await page.getByTestId('confirm-reset-ok').click();
  await page.waitForFunction((e) => (localStorage.getItem('patchbay.autosave.earlier') ?? '').split('\n').length === 3, edited);
  const lines = (await earlier()).trim().split('\n').map((l) => l.split(' ')[1]);
  assert.deepEqual(lines, [cascadeEdited, edited]);
  // The menu stays open after Reset; the list follows what was set aside.
  assert.ok(await page.getByTestId('share-menu').evaluate((d) => d.open));
  const rows = page.locator('[data-testid=earlier-open]:visible');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.first().innerText(), /^Cascade: no protection, 1 change,/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a lesson tab\'s save leaves Earlier work before the person\'s own work does', async () => {
  const { context, page, problems, saved: first } = await savedEdit();
  const autosave = (p) => p.evaluate(() => localStorage.getItem('patchbay.autosave'));
  const earlier = () =>
    page.evaluate(() => (localStorage.getItem('patchbay.autosave.earlier') ?? '').trim().split('\n').map((l) => l.split(' ')[1]));
  /** Opens `query` in a new tab, adds a service there and waits for its save to replace `before`; returns that save. */
  async function changeIn(query, before) {
    const tab = await context.newPage();
    const tabProblems = collectProblems(tab);
    await tab.goto(app.server.url + query);
    await tab.getByTestId('clock').waitFor();
    await tab.getByTestId('add-service').click();
    await tab.waitForFunction((b) => ![null, b].includes(localStorage.getItem('patchbay.autosave')), before);
    const text = await autosave(tab);
    assert.deepEqual(tabProblems, []);
    await tab.close();
    return text;
  }
  // A lesson's progress (its changes are the lesson's) is set aside like any other save...
  const lesson = await changeIn('?lesson=queue', first);
  const second = await changeIn('?scenario=cascade', lesson);
  const third = await changeIn('?scenario=saga', second);
  assert.deepEqual(await earlier(), [second, lesson, first]);
  // ...but when the three slots are full it goes first, not the oldest work of the person's own.
  await changeIn('?scenario=poison', third);
  assert.deepEqual(await earlier(), [third, second, first]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('an embedded page neither opens nor writes the autosave', async () => {
  const { context, page, problems, saved: mine } = await savedEdit();
  // An embed (here not sandboxed, so it could use storage) opens its own default, not the work saved here.
  await page.goto(app.server.url + '?embed=1&controls=editor');
  await page.getByTestId('clock').waitFor();
  assert.equal(await page.getByTestId('node-service').count(), 0, 'the autosave is not opened');
  await page.getByTestId('add-service').click();
  await page.waitForFunction(() => /#v2\./.test(location.hash)); // written after the same quiet as the autosave
  assert.equal(await page.evaluate(() => localStorage.getItem('patchbay.autosave')), mine);
  assert.equal(await page.evaluate(() => localStorage.getItem('patchbay.autosave.earlier')), null);
  assert.equal(await page.getByTestId('share-notice').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a damaged autosave is set aside with a notice; the app starts', async () => {
  const { context, page, problems } = await app.open('?paused=1');
  await page.evaluate(() => localStorage.setItem('patchbay.autosave', 'v1.%%not-a-state%%'));
  await page.goto(app.server.url);
  await page.getByTestId('clock').waitFor();
  const notice = await page.getByTestId('share-notice').textContent();
  assert.match(notice, /saved work could not be read/);
  assert.match(notice, /patchbay\.autosave\.unreadable/);
  assert.equal(await page.evaluate(() => localStorage.getItem('patchbay.autosave.unreadable')), 'v1.%%not-a-state%%');
  assert.equal(await page.evaluate(() => localStorage.getItem('patchbay.autosave')), null);
  await screenshot(page, 'share-notice-1280-light');
  assert.deepEqual(problems, []);
  await context.close();
});

test('where storage throws, the app works and says nothing is saved', async () => {
  const context = await app.browser.newContext();
  await context.addInitScript(() => {
    Object.defineProperty(window, 'localStorage', {
      get() {
        throw new DOMException('denied', 'SecurityError');
      },
    });
  });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(app.server.url);
  await page.getByTestId('clock').waitFor();
  assert.match(await page.getByTestId('share-notice').textContent(), /nothing you change is saved/);
  await page.getByTestId('add-queue').click();
  await page.waitForFunction(() => /#v2\./.test(location.hash));
  assert.deepEqual(problems, []);
  await context.close();
});

test('an unknown scenario name or a damaged link is named, and the default opens', async () => {
  const { context, page, problems } = await app.open('?scenario=doesnotexist');
  assert.match(await page.getByTestId('share-notice').textContent(), /no scenario called “doesnotexist”/);
  assert.ok((await nodeIds(page)).length > 8, 'the default scenario is shown');
  // A new page (the query changes), then a fragment pasted into the open page (hashchange).
  await page.goto(app.server.url + '#v1.AAAA');
  await page.getByTestId('clock').waitFor();
  assert.match(await page.getByTestId('share-notice').textContent(), /This link could not be opened: .*taken out of the address bar/);
  assert.equal(await page.evaluate(() => location.hash), '', 'the refused link is no longer in the address bar');
  await page.getByTestId('add-queue').click();
  await page.waitForFunction(() => /#v2\./.test(location.hash));
  const current = await page.evaluate(() => location.hash);
  await page.goto(app.server.url + '#v9.AAAA');
  await page.waitForFunction(() => /format 9/.test(document.querySelector('[data-testid=share-notice]')?.textContent));
  assert.match(await page.getByTestId('share-notice').textContent(), /newer Patchbay \(format 9\).*What you had stays/);
  assert.equal(await page.evaluate(() => location.hash), current, 'the address bar has the page\'s own link back');
  assert.deepEqual(problems, []);
  await context.close();
});

test('link options the page cannot use as written are said, and the page runs', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&speed=abc&at=-1');
  await page.waitForFunction(() => /speed=abc is not a number/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  const shown = (await page.getByTestId('speed-label').textContent()).trim();
  assert.ok((await page.getByTestId('run-notice').textContent()).includes(`the speed stays ${shown}.`), 'the note names the speed in use');
  assert.match(await page.getByTestId('run-notice').textContent(), /\?at=-1 is not a time after the start, so the run starts at 0 s\./);
  await page.goto(app.server.url + '?scenario=cascade&speed=0&paused=1');
  await page.waitForFunction(() => /speed=0 is outside/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  // Too large to read is a number out of range, not "not a number"; a paused= other than 1 or 0 is said.
  await page.goto(app.server.url + '?scenario=cascade&speed=1e400&paused=maybe');
  await page.waitForFunction(() => /speed=1e400 is outside ×0\.01 to ×100, so ×100 is used/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  assert.match(await page.getByTestId('run-notice').textContent(), /\?paused=maybe is not 1 or 0, so the run plays\./);
  assert.equal((await page.getByTestId('speed-label').textContent()).trim(), '×100');
  await page.goto(app.server.url + '?lesson=queue&step=99');
  await page.waitForFunction(() => /step=99 is not one of this lesson's 4 steps, so step 4 is shown/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  assert.match(await page.getByTestId('lesson').textContent(), /Step 4 of 4/);
  // The page keeps drawing (a lesson step may pause the run at its end, so the clock is not the check).
  assert.equal(await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(true)))), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('theme, embed and controls values the page cannot use are said too', async () => {
  const notice = (page) => page.getByTestId('run-notice').textContent();
  const { context, page, problems } = await app.open('?scenario=cascade&theme=neon&embed=2');
  await page.waitForFunction(() => /theme=neon/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  assert.match(await notice(page), /\?theme=neon is not light, dark or auto, so the colours follow your system's\./);
  assert.match(await notice(page), /\?embed=2 is not 1 or 0, so the page opens in full\./);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme ?? 'auto'), 'auto');
  assert.equal(await page.getByTestId('app').evaluate((a) => a.classList.contains('app--embed')), false);
  // In embed mode, a control's name the page does not know is said, with the controls it shows.
  await page.goto(app.server.url + '?embed=1&scenario=cascade&controls=,,,xyz');
  await page.waitForFunction(() => /controls=/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  assert.equal(await notice(page), '?controls=,,,xyz: the page has no control called xyz, so the controls shown are: none.');
  assert.ok(await page.getByTestId('run-notice').isVisible(), 'shown in the embed');
  // Autoplay other than 1 or 0, controls outside embed mode and origins that are not origins.
  await page.goto(app.server.url + '?scenario=cascade&controls=play&autoplay=yes&origin=https://a.example,ftp://b');
  await page.waitForFunction(() => /autoplay=/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  assert.match(await notice(page), /\?controls=play only applies with \?embed=1, so every control is shown\./);
  assert.match(await notice(page), /\?autoplay=yes is not 1 or 0, so the run plays as usual\./);
  assert.match(await notice(page), /\?origin=: ftp:\/\/b is not an origin such as https:\/\/example\.com, so it is left out; commands are read from https:\/\/a\.example\./);
  assert.equal(await page.getByTestId('reset').isVisible(), true, 'every control is shown');
  await page.goto(app.server.url + '?embed=1&scenario=cascade&autoplay=2');
  await page.waitForFunction(() => /autoplay=2/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  assert.match(await notice(page), /\?autoplay=2 is not 1 or 0, so the run starts paused\./);
  assert.equal(await page.getByTestId('play').textContent(), 'Play', 'paused');
  // Values it can use say nothing.
  await page.goto(app.server.url + '?embed=1&scenario=cascade&controls=play,step&theme=dark&autoplay=0&origin=https://a.example');
  await page.getByTestId('clock').waitFor();
  await page.waitForTimeout(300);
  assert.equal(await notice(page), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('?seed= starts the run on that seed, a copied link carries it, and a seed that is not one is said', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&seed=11&paused=1');
  assert.equal(await page.getByTestId('seed').inputValue(), '11');
  await page.getByTestId('step').click();
  await page.getByTestId('step').click();
  const link = await copyLink(page);
  const before = await trace(page);
  // Without the query: the link's own state holds the seed.
  const bare = link.replace(/\?[^#]*/, '');
  const fresh = await app.browser.newContext({ viewport: { width: 1280, height: 860 } });
  const other = await fresh.newPage();
  const otherProblems = collectProblems(other);
  await other.goto(bare);
  await other.getByTestId('clock').waitFor();
  assert.equal(await other.getByTestId('seed').inputValue(), '11');
  assert.deepEqual(await trace(other), before, 'the same run, on seed 11');
  // The same run as a Reset to seed 11 in the page, and not the scenario's own seed's.
  await other.goto(app.server.url + '?scenario=cascade&paused=1');
  await other.getByTestId('clock').waitFor();
  assert.notEqual(await other.getByTestId('seed').inputValue(), '11');
  await other.getByTestId('seed').fill('11');
  await other.getByTestId('seed').press('Tab');
  await other.getByTestId('step').click();
  await other.getByTestId('step').click();
  assert.deepEqual(await trace(other), before);
  await other.goto(app.server.url + '?scenario=cascade&seed=-3&paused=1');
  await other.waitForFunction(() => /seed=-3/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  const kept = await other.getByTestId('seed').inputValue();
  assert.match(await other.getByTestId('run-notice').textContent(), new RegExp(`\\?seed=-3 is not a whole number from 0 up, so the run keeps its seed, ${kept}\\.`));
  assert.deepEqual(otherProblems, []);
  assert.deepEqual(problems, []);
  await fresh.close();
  await context.close();
});

test('?seed= and ?at= a lesson does not use are said beside the link\'s other notes and the step\'s, and stay once it is placed', async () => {
  const notice = (page) => page.getByTestId('run-notice').textContent();
  const { context, page, problems } = await app.open('?lesson=queue&step=99&seed=123&at=5&speed=abc');
  await page.getByTestId('lesson-text').waitFor();
  // Placed: step 4 runs to 30 s in fast-forwards of its own, which used to clear what the link's notes said.
  await page.waitForFunction(
    () => !document.querySelector('[data-testid=fast-forward]') && parseFloat(document.querySelector('[data-testid=clock]').textContent) >= 29.9,
    null,
    { timeout: 60000 },
  );
  const seed = await page.getByTestId('seed').inputValue();
  assert.notEqual(seed, '123', 'the lesson runs on its own seed');
  const said = await notice(page);
  const speed = said.indexOf('?speed=abc is not a number');
  const seedNote = said.indexOf(`?seed=123 was not used: a lesson runs on its own seed, ${seed}, which its text is written for.`);
  const atNote = said.indexOf('?at=5 was not used: a lesson step runs to its own time.');
  const step = said.indexOf("?step=99 is not one of this lesson's 4 steps, so step 4 is shown.");
  assert.ok(speed >= 0 && step > speed && seedNote > step && atNote > seedNote, `the link's notes, then the lesson's: ${said}`);
  // A seed the lesson does run on says nothing.
  await page.goto(app.server.url + `?lesson=queue&step=1&seed=${seed}`);
  await page.getByTestId('lesson-text').waitFor();
  await page.waitForTimeout(300);
  assert.doesNotMatch(await notice(page), /seed=/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('?seed= opens that run rather than the autosave; a share link that started on another seed says why it was not used', async () => {
  const notice = (page) => page.getByTestId('run-notice').textContent();
  const { context, page, problems } = await app.open('?paused=1');
  await page.goto(app.server.url);
  await page.getByTestId('clock').waitFor();
  await page.getByTestId('add-service').click();
  await page.waitForFunction(() => localStorage.getItem('patchbay.autosave')?.startsWith('v2.'));
  const link = await copyLink(page);
  const own = await page.getByTestId('seed').inputValue();
  // The autosave holds the added service; a ?seed= link opens the default scenario on its seed instead.
  await page.goto(app.server.url + '?seed=77&paused=1');
  await page.getByTestId('clock').waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.getByTestId('seed').inputValue(), '77');
  assert.ok(!(await nodeIds(page)).includes('node-service'), 'not the autosave');
  assert.equal(await notice(page), '');
  // A share link's own run wins over ?seed=, and the page says so.
  await page.goto(link.replace(/\?[^#]*/, '').replace('#', '?seed=78#'));
  await page.getByTestId('node-service').waitFor({ timeout: 20000 });
  await page.waitForFunction(() => /seed=78/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  assert.equal(
    await notice(page),
    `?seed=78 was not used: the run saved in the link (after # in the address) started on seed ${own}.`,
  );
  assert.equal(await page.getByTestId('seed').inputValue(), own);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a share link with ?speed=, ?paused= and ?at=: speed and pause apply over its state, ?at= is said not to be used', async () => {
  const notice = (page) => page.getByTestId('run-notice').textContent();
  const { context, page, problems } = await app.open('?scenario=cascade&speed=0.5&paused=1');
  for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
  const bare = (await copyLink(page)).replace(/\?[^#]*/, '');
  const before = await trace(page);
  // A course author's link: the saved run, shown at ×2, paused, with a time it cannot go to.
  await page.goto(bare.replace('#', '?speed=2&paused=1&at=40#'));
  await page.getByTestId('clock').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=fast-forward]') && /at=40/.test(document.querySelector('[data-testid=run-notice]')?.textContent));
  assert.deepEqual(await trace(page), before, 'the link\'s run, at the link\'s time');
  assert.equal((await page.getByTestId('speed-label').textContent()).trim(), '×2');
  assert.equal(await page.getByTestId('play').textContent(), 'Play', 'paused');
  assert.equal(await notice(page), '?at=40 was not used: the run saved in the link (after # in the address) opens at the moment it was saved.');
  // Saved paused, opened with ?paused=0: it plays once it is back where it was saved.
  await page.goto(bare.replace('#', '?paused=0#'));
  await page.getByTestId('clock').waitFor();
  await page.waitForFunction((t) => Number(document.querySelector('[data-testid=trace]').dataset.time) > t, before.time, { timeout: 15000 });
  assert.equal(await notice(page), '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('labels with markup are shown as text, imported and through a link', async () => {
  const scenario = JSON.parse(fs.readFileSync('src/engine/presets/cascade.json', 'utf8'));
  scenario.nodes[1].label = '<img src=x onerror=alert(1)>';
  const { context, page, problems } = await app.open('?paused=1');
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs += 1;
    d.dismiss();
  });
  await page.getByTestId('import').setInputFiles({
    name: 'markup.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(scenario)),
  });
  await page.waitForFunction(() => document.querySelector('[data-testid=node-order-api]'));
  const check = async (p) => {
    assert.equal(await p.locator('img').count(), 0, 'no image element was made');
    // The whole label in the node's name; on the stage it is shortened to its room, as text.
    assert.match(await spoken(p.getByTestId('node-order-api')), /^<img src=x onerror=alert\(1\)>, /);
    assert.match(await p.getByTestId('node-order-api').locator('.node__label').textContent(), /^<img/);
  };
  await check(page);
  const link = await copyLink(page);
  const fresh = await app.browser.newContext();
  const other = await fresh.newPage();
  other.on('dialog', (d) => {
    dialogs += 1;
    d.dismiss();
  });
  await other.goto(link);
  await other.getByTestId('clock').waitFor();
  await check(other);
  assert.equal(dialogs, 0, 'nothing ran');
  assert.deepEqual(problems, []);
  await fresh.close();
  await context.close();
});

test('downloads: topology as SVG and PNG, trace as JSON lines', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&speed=5');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 1);
  await page.locator('[data-testid=share-menu] > summary').click();
  const take = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
    return { name: download.suggestedFilename(), text: fs.readFileSync(await download.path(), 'utf8') };
  };
  const svg = await take('export-svg');
  assert.equal(svg.name, 'cascade.svg');
  assert.match(svg.text, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg.text, /Order API/);
  assert.match(svg.text, /fill:/, 'computed styles inlined');
  const png = await take('export-png');
  assert.equal(png.name, 'cascade.png');
  const jsonl = await take('export-trace');
  assert.equal(jsonl.name, 'cascade-trace.jsonl');
  const lines = jsonl.text.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].trace, 'patchbay-trace');
  assert.ok(lines.length > 10, `${lines.length} lines`);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the Share menu at 390, 700 and 1280 px, light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [390, 700, 1280]) {
      const { context, page } = await app.open('?scenario=doesnotexist&paused=1', {
        viewport: { width, height: 860 },
        colorScheme,
      });
      await page.locator('[data-testid=share-menu] > summary').click();
      await page.getByTestId('copy-link').click();
      const panel = await page.locator('.share-menu__panel').boundingBox();
      assert.ok(panel.x >= 0 && panel.x + panel.width <= width + 1, `the menu fits at ${width} px: ${JSON.stringify(panel)}`);
      await screenshot(page, `share-${width}-${colorScheme}`);
      await context.close();
    }
  }
});
