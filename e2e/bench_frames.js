// What the browser benchmarks share (e2e/bench_nodes.mjs, e2e/bench_links.mjs):
// frames and DOM mutations counted in the page, and a Chromium trace's
// main-thread time per animation frame.

/** The median of `xs` (the middle one of an odd count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Counts rAF callbacks and DOM mutations in the stage for `ms` of wall time. */
export const framesAndMutations = (page, ms) =>
  page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        let n = 0;
        let mutations = 0;
        const obs = new MutationObserver((records) => {
          mutations += records.length;
        });
        obs.observe(document.querySelector('[data-testid=stage]'), {
          subtree: true,
          childList: true,
          attributes: true,
          characterData: true,
        });
        const start = performance.now();
        const tick = () => {
          n++;
          if (performance.now() - start < ms) requestAnimationFrame(tick);
          else {
            obs.disconnect();
            const s = (performance.now() - start) / 1000;
            resolve({ fps: n / s, mutationsPerFrame: mutations / Math.max(n, 1) });
          }
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );

/** Main-thread time by kind over `ms` of a Chromium trace, per animation frame. */
export async function traced(page, ms) {
  const cdp = await page.context().newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const done = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await page.waitForTimeout(ms);
  await cdp.send('Tracing.end');
  await done;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const mine = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
  const sum = (names) => mine.filter((e) => names.includes(e.name)).reduce((a, e) => a + (e.dur ?? 0) / 1000, 0);
  const frames = Math.max(1, mine.filter((e) => e.name === 'FireAnimationFrame').length);
  const top = {
    rafCallbacks: sum(['FireAnimationFrame']),
    microtasks: sum(['RunMicrotasks']),
    style: sum(['UpdateLayoutTree']),
    layout: sum(['Layout']),
    paint: sum(['Paint', 'PaintImage', 'RasterTask']),
    prePaint: sum(['PrePaint']),
    layerize: sum(['Layerize', 'UpdateLayer', 'CompositeLayers']),
    gc: sum(['MinorGC', 'MajorGC', 'V8.GC_SCAVENGER', 'BlinkGC.AtomicPhase']),
  };
  const perFrame = Object.fromEntries(Object.entries(top).map(([k, v]) => [k, +(v / frames).toFixed(1)]));
  await cdp.detach();
  return { frames, ms, perFrame };
}
