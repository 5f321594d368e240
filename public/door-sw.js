// The door's service worker (scope /checkin): keeps the door page and its files so that the
// scanner opens and answers with no network. The page is fetched from the network first and
// kept; with no network the kept copy is served. The bundle's files (their names carry their
// content's hash) and the icons are served from the cache once kept.
const CACHE = "tessera-door-v1";

self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("tessera-door-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// The door page is kept per event and gate; an answer's own address is not.
function pageKey(url) {
  const kept = new URL("/checkin", url.origin);
  for (const name of ["event", "gate"]) {
    const value = url.searchParams.get(name);
    if (value) kept.searchParams.set(name, value);
  }
  return kept.href;
}

async function page(request) {
  const url = new URL(request.url);
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(pageKey(url), response.clone());
    return response;
  } catch (offline) {
    return (
      (await cache.match(pageKey(url))) ||
      (await cache.match(new URL("/checkin", url.origin).href, { ignoreSearch: true })) ||
      Response.error()
    );
  }
}

async function file(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/checkin") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/pkg/") || /^\/(icon-\d+\.png|favicon\.(svg|ico)|door\.webmanifest)$/.test(url.pathname)) {
    event.respondWith(file(request));
  }
});
