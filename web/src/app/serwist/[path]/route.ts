/**
 * The service worker (/serwist/sw.js), bundled from src/sw.ts by esbuild when `next build` prerenders this route,
 * with the precache manifest of the build's static files (the app shell) and the offline page injected.
 */
import { randomUUID } from "node:crypto";

import { createSerwistRoute } from "@serwist/turbopack";

export const { dynamic, dynamicParams, revalidate, generateStaticParams, GET } = createSerwistRoute({
  swSrc: "src/sw.ts",
  useNativeEsbuild: true,
  // The offline page names this build's scripts: a new build is a new revision (this runs once, at build time).
  additionalPrecacheEntries: [{ url: "/~offline", revision: randomUUID() }],
  // Source maps stay out of the precache.
  globIgnores: ["**/*.map"],
});
