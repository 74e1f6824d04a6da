// A scenario at the node limit (src/engine/limits.rs, MAX_NODES = 1,000):
// cascade's four nodes and their traffic, plus unlinked services all at one
// position, as a reviewer made it. Shared by the stage test and the bench.
import fs from 'node:fs';

/** Cascade plus `extra` unlinked services stacked at one point, as JSON text. */
export function manyNodes(extra = 996) {
  const scenario = JSON.parse(fs.readFileSync('src/engine/presets/cascade.json', 'utf8'));
  scenario.name = 'many-nodes';
  for (let i = 0; i < extra; i++) {
    scenario.nodes.push({ id: `s${i}`, label: `Service ${i}`, position: { x: 450, y: 420 }, kind: { type: 'service' } });
  }
  return JSON.stringify(scenario);
}

/** Imports `text` through the editor's Import input and waits for its last node. */
export async function importScenario(page, text, name = 'many.json') {
  await page.getByTestId('import').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
  const last = JSON.parse(text).nodes.at(-1).id;
  await page.getByTestId(`node-${last}`).waitFor({ timeout: 60000 });
}
