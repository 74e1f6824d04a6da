// Patchbay's offline copy (docs/embed.md). A plain service worker: on install
// it caches the page and the files index.html names (the hashed wasm, its
// JavaScript glue, the styles); afterwards the page is fetched from the
// network when there is one (so a new build arrives) and from the cache when
// not, and the hashed files come from the cache first. The cache's name
// carries the build id (written in by scripts/csp-hash), so a new build's
// worker drops the old copy when it takes over. Paths are relative to this
// file, so the app works under any sub-path.
const CACHE = 'patchbay-__BUILD_ID__';
const INDEX = new URL('./index.html', self.location).href;
const SCOPE = new URL('./', self.location).href;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    const response = await fetch(INDEX, { cache: 'no-cache' });
    const html = await response.clone().text();
    await cache.put(INDEX, response);
    // Every local file the page names: href="...", src="..." and the start script's './x.js' and './x.wasm'.
    const names = new Set();
    for (const m of html.matchAll(/(?:href|src)="([^"#?:]+)"|'(\.\/[^']+\.(?:js|wasm))'/g)) names.add(m[1] || m[2]);
    await cache.addAll([...names].map((n) => new URL(n, INDEX).href));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith('patchbay-') && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  if (request.mode === 'navigate') {
    // The page: the network's when online, else the cached index.html (whatever the query).
    event.respondWith(fetch(request).catch(async () => (await caches.match(INDEX)) || Response.error()));
    return;
  }
  event.respondWith((async () => {
    const cached = await caches.match(request);
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  })());
});
