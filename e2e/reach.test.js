// Reach (issue 12's last gaps): a heavy share link opens in slices with
// progress while frames keep coming, and lands on the same trace hash; the
// link carries the open lesson and step; dialogs keep Tab inside and give
// focus back; the SVG export carries the messages in flight and the PNG
// export is a real picture (decoded here). Timings are never asserted as
// performance: only that frames keep coming.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { useApp, screenshot, collectProblems } from './support.js';

const app = useApp();

const trace = (page) =>
  page.getByTestId('trace').evaluate((el) => ({ hash: el.dataset.hash, time: Number(el.dataset.time) }));
const clock = async (page) => parseFloat(await page.getByTestId('clock').textContent());

async function copyLink(page) {
  await page.locator('[data-testid=share-menu] > summary').click();
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /#v2\.[A-Za-z0-9_-]+$/, link);
  await page.locator('[data-testid=share-menu] > summary').click();
  return link;
}

/** Counts animation frames from the first one, and while a fast-forward
 * shows: the longest gap between frames, its titles and progress values. */
function watchFrames() {
  const w = { n: 0, during: 0, last: 0, maxGap: 0, titles: [], values: [] };
  window.__watch = w;
  const tick = (t) => {
    const box = document.querySelector('[data-testid=fast-forward]');
    if (box) {
      if (w.last) w.maxGap = Math.max(w.maxGap, t - w.last);
      w.during++;
      const title = box.querySelector('.jump__title')?.textContent;
      if (title && !w.titles.includes(title)) w.titles.push(title);
      const v = box.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow');
      if (v !== undefined && w.values[w.values.length - 1] !== v) w.values.push(v);
    }
    w.last = t;
    w.n++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

const HEAVY_AT = 240;

test('a link far into stress-2000 opens in slices: progress, frames keep coming, then the same trace hash', async () => {
  // A fresh run to the same point: the page fast-forwards, then an edit, then a few steps.
  const { context, page, problems } = await app.openAt(`?scenario=stress-2000&at=${HEAVY_AT}&paused=1`);
  await page.getByTestId('node-payment-workers').click();
  await page.getByTestId('fault-crash').click();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(200);
  const link = await copyLink(page);
  const before = await trace(page);
  assert.ok(before.time >= HEAVY_AT * 1e6, `the run is ${HEAVY_AT} s in (${before.time} µs)`);
  console.log(`link for stress-2000 at ${HEAVY_AT} s with a crash and five steps: ${link.split('#')[1].length} characters`);

  const fresh = await app.browser.newContext({ viewport: { width: 1280, height: 860 } });
  await fresh.addInitScript(watchFrames);
  const other = await fresh.newPage();
  const otherProblems = collectProblems(other);
  await other.goto(link);
  const progress = other.getByTestId('fast-forward-progress');
  await progress.waitFor({ timeout: 20000 });
  assert.equal(await progress.getAttribute('aria-valuemax'), String(HEAVY_AT));
  assert.match(await other.getByTestId('fast-forward').textContent(), new RegExp(`Restoring the run: replaying it to ${HEAVY_AT} s`));
  await screenshot(other, 'reach-opening-link-1280');
  await progress.waitFor({ state: 'detached', timeout: 180000 });
  const w = await other.evaluate(() => ({ ...window.__watch }));
  console.log(`while the link opened: ${w.during} frames, longest gap ${w.maxGap.toFixed(0)} ms, progress ${w.values.length} values`);
  assert.ok(w.during > 10, `animation frames kept coming while the link opened (${w.during})`);
  assert.ok(w.maxGap < 1000, `no frame waited a second (longest gap ${w.maxGap.toFixed(0)} ms)`);
  assert.ok(w.values.length >= 3, `the progress moved: ${w.values.join(' → ')}`);
  const after = await trace(other);
  assert.deepEqual(after, before, 'same hash at the same simulated time');
  assert.equal(await other.getByTestId('play').getAttribute('data-playing'), 'false', 'paused, as the link was');
  assert.equal(await other.getByTestId('run-error').count(), 0);
  assert.deepEqual(otherProblems, []);

  // Escape stops the opening where it got to; that state is a run of its own that links again.
  const third = await fresh.newPage();
  await third.goto(link);
  await third.getByTestId('fast-forward-progress').waitFor({ timeout: 20000 });
  await third.waitForFunction(
    () => Number(document.querySelector('[data-testid=fast-forward-progress]')?.getAttribute('aria-valuenow')) >= 2,
    null,
    { timeout: 60000, polling: 50 },
  );
  await third.keyboard.press('Escape');
  await third.getByTestId('fast-forward').waitFor({ state: 'detached', timeout: 5000 });
  const stopped = await trace(third);
  assert.ok(stopped.time < before.time, `stopped short (${stopped.time} < ${before.time})`);
  assert.equal(await third.getByTestId('play').getAttribute('data-playing'), 'false');
  const partial = await copyLink(third);
  const fourth = await fresh.newPage();
  await fourth.goto(partial);
  await fourth.getByTestId('clock').waitFor();
  await fourth.waitForFunction(() => !document.querySelector('[data-testid=fast-forward]'), null, { timeout: 60000 });
  assert.deepEqual(await trace(fourth), stopped, 'a link made after Cancel opens the same run');
  assert.deepEqual(problems, []);
  await fresh.close();
  await context.close();
});

test('a link made in a lesson opens that lesson at that step, with the same run', async () => {
  const { context, page, problems } = await app.open('?lesson=queue&step=2');
  const step = page.getByTestId('lesson-step');
  await step.getByText(/^Step 2 of \d+$/).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=fast-forward]'), null, { timeout: 60000 });
  await page.getByTestId('lesson-next').click();
  await step.getByText(/^Step 3 of \d+$/).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=fast-forward]'), null, { timeout: 60000 });
  if ((await page.getByTestId('play').getAttribute('data-playing')) === 'true') await page.getByTestId('play').click();
  const link = await copyLink(page);
  // The address still says step 2 (`?lesson=queue&step=2`): the link's own lesson and step win.
  assert.match(link, /\?lesson=queue&step=2#v2\./);
  const before = await trace(page);
  const steps = (await step.textContent()).match(/of (\d+)/)[1];

  const fresh = await app.browser.newContext({ viewport: { width: 1280, height: 860 } });
  const other = await fresh.newPage();
  const otherProblems = collectProblems(other);
  await other.goto(link);
  await other.getByTestId('clock').waitFor();
  await other.getByTestId('lesson-step').getByText(`Step 3 of ${steps}`).waitFor();
  assert.equal(await other.getByTestId('lesson-picker').inputValue(), 'queue');
  await other.waitForFunction(() => !document.querySelector('[data-testid=fast-forward]'), null, { timeout: 60000 });
  assert.deepEqual(await trace(other), before, 'the same run as the lesson made');
  assert.equal(
    await other.getByTestId('lesson-text').textContent(),
    await page.getByTestId('lesson-text').textContent(),
  );
  // Next goes on with the lesson from there.
  await other.getByTestId('lesson-next').click();
  await other.getByTestId('lesson-step').getByText(`Step 4 of ${steps}`).waitFor();
  // A link without a lesson closes the lesson (pasted into the same tab).
  await other.evaluate(() => {
    location.hash = '#v1.KpGjCQA3iKIJhpgJAH0';
  });
  await other.waitForFunction(() => !document.querySelector('[data-testid=lesson-step]'), null, { timeout: 10000 });
  assert.equal(await other.getByTestId('lesson-picker').inputValue(), '');
  assert.deepEqual(otherProblems, []);
  assert.deepEqual(problems, []);
  await fresh.close();
  await context.close();
});

test('link lengths: the default scenario as it opens, and after typical edits', async () => {
  const { context, page, problems } = await app.open('?paused=1');
  const plain = (await copyLink(page)).split('#')[1].length;
  await page.getByTestId('step').click();
  await page.getByTestId('node-pricing').click();
  await page.getByTestId('fault-crash').click();
  await page.getByTestId('node-inventory').click();
  await page.keyboard.press('ArrowRight'); // a node moved by key
  await page.waitForTimeout(100);
  const edited = (await copyLink(page)).split('#')[1].length;
  console.log(`link lengths: seven as it opens ${plain} characters; after a step, a crash and a node moved ${edited}`);
  assert.ok(plain < 40, `the default link is short (${plain})`);
  assert.ok(edited < 600, `an edited link fits in a chat message (${edited})`);
  assert.deepEqual(problems, []);
  await context.close();
});

/** Where focus is: the test id of the element, and whether it is inside `selector`. */
const focusIn = (page, selector) =>
  page.evaluate((sel) => {
    const a = document.activeElement;
    return { inside: !!a && !!document.querySelector(sel)?.contains(a), id: a?.dataset?.testid ?? a?.tagName };
  }, selector);

test('dialogs keep Tab and Shift+Tab inside, close on Escape and give focus back', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&paused=1');
  // The Embed dialog.
  await page.getByTestId('embed-open').click();
  await page.getByTestId('embed-dialog').waitFor();
  const seen = new Set();
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Tab');
    const f = await focusIn(page, '[data-testid=embed-dialog]');
    assert.ok(f.inside, `Tab ${i + 1} stays in the Embed dialog (at ${f.id})`);
    seen.add(f.id);
  }
  assert.ok(seen.has('embed-scenario') && seen.has('embed-close'), `Tab goes round: ${[...seen].join(', ')}`);
  for (let i = 0; i < 25; i++) {
    await page.keyboard.press('Shift+Tab');
    const f = await focusIn(page, '[data-testid=embed-dialog]');
    assert.ok(f.inside, `Shift+Tab ${i + 1} stays in the Embed dialog (at ${f.id})`);
  }
  await page.keyboard.press('Escape');
  await page.getByTestId('embed-dialog').waitFor({ state: 'detached' });
  assert.equal((await focusIn(page, 'body')).id, 'embed-open');

  // The reset dialog (a modal <dialog>).
  await page.locator('[data-testid=share-menu] > summary').click();
  await page.getByTestId('reset-default').click();
  const confirm = page.getByTestId('confirm-reset');
  await confirm.waitFor();
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    const f = await focusIn(page, '[data-testid=confirm-reset]');
    assert.ok(f.inside, `${key} stays in the reset dialog (at ${f.id})`);
  }
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-testid=confirm-reset]').open);
  assert.equal((await focusIn(page, 'body')).id, 'reset-default');
  assert.ok((await page.locator('[data-testid^=node-]').count()) > 0, 'nothing was reset');
  // Cancel gives focus back too.
  await page.getByTestId('reset-default').click();
  await page.getByTestId('confirm-reset-cancel').click();
  assert.equal((await focusIn(page, 'body')).id, 'reset-default');
  assert.deepEqual(problems, []);
  await context.close();
});

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG into its size and pixels. */
function decodePng(buf) {
  assert.equal(buf.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', 'a PNG signature');
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.equal(data[8], 8, '8 bits per channel');
      channels = { 2: 3, 6: 4 }[data[9]];
      assert.ok(channels, `colour type ${data[9]}`);
      assert.equal(data[12], 0, 'not interlaced');
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? px[y * stride + x - channels] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? px[(y - 1) * stride + x - channels] : 0;
      let p = line[x];
      if (filter === 1) p += a;
      else if (filter === 2) p += b;
      else if (filter === 3) p += (a + b) >> 1;
      else if (filter === 4) {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        p += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + x] = p & 255;
    }
  }
  return { width, height, channels, px };
}

/** Distinct colours (up to a cap) and how many pixels are not fully transparent. */
function colours({ px, channels }) {
  const seen = new Set();
  let opaque = 0;
  for (let i = 0; i < px.length; i += channels) {
    if (channels === 4 && px[i + 3] === 0) continue;
    opaque++;
    if (seen.size < 5000) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
  }
  return { distinct: seen.size, opaque };
}

test('the SVG export carries the messages in flight; the PNG export is a real picture of the stage', async () => {
  const { context, page, problems } = await app.open('?scenario=cascade&speed=5');
  await page.waitForFunction(() => parseFloat(document.querySelector('[data-testid=clock]').textContent) > 2);
  await page.getByTestId('play').click(); // pause, so the picture holds still
  // Calls cross their links in a few ms, so a pause can fall between them:
  // step until the messages canvas shows some (it is redrawn every frame).
  const dotsDrawn = () =>
    page.evaluate(() => new Promise((r) => requestAnimationFrame(() => {
      const c = document.querySelector('.stage__canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      r(n);
    })));
  for (let i = 0; i < 100 && (await dotsDrawn()) <= 20; i++) await page.getByTestId('step').click();
  const stage = await page.locator('.stage__svg').boundingBox();
  await page.locator('[data-testid=share-menu] > summary').click();
  const take = async (id) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(id).click()]);
    return { name: download.suggestedFilename(), bytes: fs.readFileSync(await download.path()) };
  };
  const svg = (await take('export-svg')).bytes.toString('utf8');
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /Order API/);
  const layer = svg.match(/<image data-layer="messages" x="([\d.-]+)" y="([\d.-]+)" width="([\d.]+)" height="([\d.]+)" href="data:image\/png;base64,([A-Za-z0-9+/=]+)"\/>/);
  assert.ok(layer, 'the messages layer is in the SVG');
  const dots = decodePng(Buffer.from(layer[5], 'base64'));
  const inFlight = colours(dots);
  assert.ok(inFlight.opaque > 20, `messages are drawn in the layer (${inFlight.opaque} pixels)`);
  assert.ok(Math.abs(Number(layer[3]) - stage.width) < 2, 'the layer covers the stage');

  const png = await take('export-png');
  assert.equal(png.name, 'cascade.png');
  const picture = decodePng(png.bytes);
  assert.equal(picture.width, Math.round(stage.width * 2), 'twice the stage width');
  assert.equal(picture.height, Math.round(stage.height * 2), 'twice the stage height');
  const c = colours(picture);
  assert.ok(c.distinct > 20, `not blank or one colour: ${c.distinct} colours`);
  assert.ok(c.opaque > picture.width * picture.height * 0.9, 'the background is painted');
  assert.deepEqual(problems, []);
  await context.close();
});

test('screenshots of a link opening at 390 and 700 px, light and dark', async () => {
  const { context, page } = await app.openAt('?scenario=stress-2000&at=60&paused=1');
  const link = await copyLink(page);
  await context.close();
  for (const colorScheme of ['light', 'dark']) {
    for (const width of [390, 700]) {
      const other = await app.browser.newContext({ viewport: { width, height: 860 }, colorScheme });
      const p = await other.newPage();
      await p.goto(link);
      await p.getByTestId('fast-forward-progress').waitFor({ timeout: 20000 });
      await screenshot(p, `reach-opening-link-${width}-${colorScheme}`);
      await other.close();
    }
  }
});
