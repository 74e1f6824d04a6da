// Browser benchmark (not a test): `scripts/dev build && node e2e/bench.mjs`.
// 1. The stress-2000 scenario (about 2,000 messages on the wire) at ×1 for
//    several seconds: frames per second and app work per frame (p50/p95),
//    as the page's own ?debug=1 overlay measures it.
// 2. stress-2000 at ×100, more than the engine can do: frames per second,
//    app work per frame (the page spends at most 8 ms of it simulating), the
//    speed reached, and memory over a minute (JS heap from
//    performance.memory and CDP, and the wasm linear memory's size).
// 3. Fast-forward to an hour of stress-2000 (?at=3600): simulated seconds
//    per wall second while frames keep coming, and the longest frame gap.
// 4. The engine's M/M/c workload run inside the page (release wasm):
//    simulated customers per second, median of three runs.
// Figures go to docs/performance.md by hand, with the date and machine.
import { serveDist, launchChromium } from './support.js';

const RUNS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MB = 1024 * 1024;

/** Frames per second over `ms` of wall time, counted with requestAnimationFrame. */
function countFps(page, ms) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        let n = 0;
        let maxGap = 0;
        let last = 0;
        const start = performance.now();
        const tick = (t) => {
          n++;
          if (last) maxGap = Math.max(maxGap, t - last);
          last = t;
          if (performance.now() - start < ms) requestAnimationFrame(tick);
          else resolve({ fps: (n * 1000) / (performance.now() - start), maxGap });
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

/** A page that keeps a handle on the wasm instance's memory (Trunk's start event carries the exports). */
async function wasmPage(options = {}) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, ...options });
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => {
      window.__wasmMemory = e.detail?.wasm?.memory;
    });
  });
  return page;
}

async function memory(page, cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  const inPage = await page.evaluate(() => ({
    used: performance.memory?.usedJSHeapSize ?? NaN,
    wasm: window.__wasmMemory?.buffer.byteLength ?? NaN,
  }));
  return { heap: heap / MB, perfMemory: inPage.used / MB, wasm: inPage.wasm / MB };
}

const server = await serveDist('dist', '/bench/');
const browser = await launchChromium();
try {
  const fps = [];
  const p50 = [];
  const p95 = [];
  const moving = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${server.url}?scenario=stress-2000&speed=1&at=2&debug=1`);
    await page.getByTestId('debug-overlay').waitFor();
    await page.waitForTimeout(1500);
    const frames = await page.evaluate(
      () =>
        new Promise((resolve) => {
          let n = 0;
          const start = performance.now();
          const tick = () => {
            n++;
            if (performance.now() - start < 5000) requestAnimationFrame(tick);
            else resolve((n * 1000) / (performance.now() - start));
          };
          requestAnimationFrame(tick);
        }),
    );
    const overlay = await page.getByTestId('debug-overlay').textContent();
    const m = overlay.match(/p50 ([\d.]+) ms · p95 ([\d.]+) ms · \d+ frames · (\d+) moving/);
    fps.push(frames);
    p50.push(Number(m[1]));
    p95.push(Number(m[2]));
    moving.push(Number(m[3]));
    console.log(`run ${run + 1}: ${frames.toFixed(1)} fps · ${overlay}`);
    await page.close();
  }
  console.log(
    `stress-2000 median: ${median(fps).toFixed(1)} fps, app work p50 ${median(p50).toFixed(2)} ms, p95 ${median(p95).toFixed(2)} ms, ${median(moving)} messages moving`,
  );

  // 2. stress-2000 at ×100: more than the engine can simulate in 8 ms a frame.
  const fast = { fps: [], p50: [], p95: [], reached: [] };
  for (let run = 0; run < RUNS; run++) {
    const page = await wasmPage();
    await page.goto(`${server.url}?scenario=stress-2000&speed=100&debug=1`);
    await page.getByTestId('debug-overlay').waitFor();
    await page.waitForTimeout(4000);
    const { fps } = await countFps(page, 5000);
    const overlay = await page.getByTestId('debug-overlay').textContent();
    const reached = await page.getByTestId('speed-reached').textContent();
    const m = overlay.match(/p50 ([\d.]+) ms · p95 ([\d.]+) ms/);
    fast.fps.push(fps);
    fast.p50.push(Number(m[1]));
    fast.p95.push(Number(m[2]));
    fast.reached.push(Number(reached.match(/×([\d.]+) reached/)?.[1] ?? NaN));
    console.log(`×100 run ${run + 1}: ${fps.toFixed(1)} fps · ${overlay} · "${reached}"`);
    await page.close();
  }
  console.log(
    `stress-2000 ×100 median: ${median(fast.fps).toFixed(1)} fps, app work p50 ${median(fast.p50).toFixed(2)} ms, p95 ${median(fast.p95).toFixed(2)} ms, reached ×${median(fast.reached)}`,
  );

  // Memory at ×100 over a minute, sampled every 5 s (median of three samples each time).
  // stress-2000's payments queue grows without bound in the engine itself (consumers
  // slower than producers), so its wasm memory grows with simulated time whatever the
  // page does; order-flow is steady, so its memory shows what the page keeps.
  for (const scenario of ['stress-2000', 'order-flow']) {
    const page = await wasmPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.goto(`${server.url}?scenario=${scenario}&speed=100`);
    await page.getByTestId('clock').waitFor();
    const rows = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 60000) {
      const samples = [];
      for (let i = 0; i < 3; i++) {
        samples.push(await memory(page, cdp));
        await page.waitForTimeout(300);
      }
      const row = {
        s: Math.round((Date.now() - t0) / 1000),
        heap: median(samples.map((x) => x.heap)),
        perfMemory: median(samples.map((x) => x.perfMemory)),
        wasm: median(samples.map((x) => x.wasm)),
        clock: (await page.getByTestId('clock').textContent()).trim(),
      };
      rows.push(row);
      console.log(
        `${scenario} memory at ${row.s} s: JS heap ${row.heap.toFixed(1)} MB (CDP), ${row.perfMemory.toFixed(1)} MB (performance.memory), wasm memory ${row.wasm.toFixed(1)} MB, simulated ${row.clock}`,
      );
      await page.waitForTimeout(4000);
    }
    const first = rows[0];
    const last = rows[rows.length - 1];
    console.log(
      `${scenario} memory over ${last.s} s at ×100: JS heap ${first.heap.toFixed(1)} → ${last.heap.toFixed(1)} MB, wasm memory ${first.wasm.toFixed(1)} → ${last.wasm.toFixed(1)} MB`,
    );
    await page.close();
  }

  // 3. Fast-forward to an hour: simulated seconds per wall second, frames while it runs.
  {
    const page = await wasmPage();
    await page.goto(`${server.url}?scenario=stress-2000&at=3600`);
    const progress = page.getByTestId('fast-forward-progress');
    await progress.waitFor();
    const rates = [];
    const gaps = [];
    const fpss = [];
    for (let i = 0; i < 5; i++) {
      const a = Number(await progress.getAttribute('aria-valuenow'));
      const t = Date.now();
      const { fps, maxGap } = await countFps(page, 3000);
      const b = Number(await progress.getAttribute('aria-valuenow'));
      rates.push((b - a) / ((Date.now() - t) / 1000));
      gaps.push(maxGap);
      fpss.push(fps);
    }
    console.log(
      `fast-forward stress-2000 to 3,600 s, median of 5 samples: ${median(rates).toFixed(1)} simulated s per wall s, ${median(fpss).toFixed(1)} fps, longest frame gap ${Math.max(...gaps).toFixed(0)} ms`,
    );
    await page.close();
  }

  const rates = [];
  for (let run = 0; run < RUNS; run++) {
    const page = await browser.newPage();
    await page.goto(`${server.url}?bench=mmc&paused=1`);
    const text = await page.getByTestId('bench-result').textContent({ timeout: 60000 });
    const rate = Number(text.match(/= (\d+) customers\/s/)[1]);
    console.log(`run ${run + 1}: ${text}`);
    rates.push(rate);
    await page.close();
  }
  const best = median(rates);
  console.log(`M/M/c in the page, median: ${best} customers/s (compare with SimPy on this machine: benches/vs-simpy/run.sh)`);
} finally {
  await browser.close();
  await server.close();
}
