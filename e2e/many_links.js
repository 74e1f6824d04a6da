// A scenario near the link limit (src/engine/limits.rs, MAX_LINKS = 4,000)
// at the node limit (MAX_NODES = 1,000): cascade's four nodes, links and
// traffic, plus 996 services on a grid, each linked to its grid
// neighbours by idle request-response calls. A link always goes from a
// "black" square (row + column even) to a "white" one, so no call waits on
// a call (depth one: no cycle, fan-out at most 10, as validation asks).
// Every eighth link has a breaker, so badges are drawn too.
// Shared by the stage test (e2e/links.test.js) and the bench (e2e/bench_links.mjs).
import fs from 'node:fs';

/** Columns of the grid of extra services. */
export const COLUMNS = 42;
/** The offsets (rows, columns) a service links to; each joins squares of opposite colours. */
const STEPS = [
  [0, 1],
  [1, 0],
  [1, 2],
  [1, -2],
  [2, 1],
];

/** Grid row and column of extra service `i`. */
export const cell = (i) => [Math.floor(i / COLUMNS), i % COLUMNS];

/** Cascade plus `extra` services on a grid with up to `maxLinks` links in all, as JSON text. */
export function manyLinks(extra = 996, maxLinks = 4000) {
  const scenario = JSON.parse(fs.readFileSync('src/engine/presets/cascade.json', 'utf8'));
  scenario.name = 'many-links';
  for (let i = 0; i < extra; i++) {
    const [row, col] = cell(i);
    scenario.nodes.push({
      id: `s${i}`,
      label: `Service ${i}`,
      position: { x: 75 + col * 200, y: 400 + row * 140 },
      kind: { type: 'service' },
    });
  }
  const call = (n) => ({
    type: 'request_response',
    timeout_ms: null,
    retry: null,
    breaker: n % 8 === 0 ? { failure_rate_threshold: 50 } : null,
    fallback: false,
  });
  for (let i = 0; i < extra && scenario.links.length < maxLinks; i++) {
    const [row, col] = cell(i);
    for (const [dr, dc] of STEPS) {
      const [r, c] = [row + dr, col + dc];
      const j = r * COLUMNS + c;
      if (c < 0 || c >= COLUMNS || j >= extra || scenario.links.length >= maxLinks) continue;
      const [from, to] = (row + col) % 2 === 0 ? [i, j] : [j, i];
      const n = scenario.links.length;
      scenario.links.push({ id: `l${n}`, from: `s${from}`, to: `s${to}`, transport: call(n) });
    }
  }
  return JSON.stringify(scenario);
}

/** The ids of the links of `text` that touch node `id`. */
export function linksOf(text, id) {
  return JSON.parse(text)
    .links.filter((l) => l.from === id || l.to === id)
    .map((l) => l.id);
}
