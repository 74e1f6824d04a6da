// Browser benchmark (not a test): `scripts/dev build && node e2e/bench.mjs`.
// 1. The stress-2000 scenario (about 2,000 messages on the wire) at ×1 for
//    several seconds: frames per second and app work per frame (p50/p95),
//    as the page's own ?debug=1 overlay measures it.
// 2. The engine's M/M/c workload run inside the page (release wasm):
//    simulated customers per second, median of three runs.
// Figures go to docs/performance.md by hand, with the date and machine.
import { serveDist, launchChromium } from './support.js';

const RUNS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
  console.log(`M/M/c in the page, median: ${best} customers/s (${(best / 33000).toFixed(0)}× SimPy's ~33,000/s)`);
} finally {
  await browser.close();
  await server.close();
}
