/// <reference lib="webworker" />
// FinCloud's service worker (bundled by src/app/serwist/[path]/route.ts). It precaches the app shell: the build's
// scripts, styles, icons and the offline page. Pages are always fetched from the network (they are rendered with
// the visitor's data, which is never put in the Cache Storage); when the network is unavailable, a page load is
// answered with the offline shell, which shows the last-seen data from IndexedDB. /graphql is never cached here.
import { NetworkOnly, Serwist, type PrecacheEntry, type SerwistGlobalConfig } from "serwist";

declare global {
  interface WorkerGlobalScope extends SerwistGlobalConfig {
    __SW_MANIFEST: (PrecacheEntry | string)[] | undefined;
  }
}

declare const self: ServiceWorkerGlobalScope;

const serwist = new Serwist({
  precacheEntries: self.__SW_MANIFEST,
  skipWaiting: true,
  clientsClaim: true,
  navigationPreload: false,
  runtimeCaching: [
    {
      matcher: ({ request, sameOrigin }) => sameOrigin && request.mode === "navigate",
      handler: new NetworkOnly({ networkTimeoutSeconds: 10 }),
    },
  ],
  fallbacks: {
    entries: [{ url: "/~offline", matcher: ({ request }) => request.destination === "document" }],
  },
});

serwist.addEventListeners();
