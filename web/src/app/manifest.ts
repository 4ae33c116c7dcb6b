import type { MetadataRoute } from "next";

/** The web app manifest (/manifest.webmanifest): what browsers need to offer "Install FinCloud". */
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/",
    name: "FinCloud",
    short_name: "FinCloud",
    description: "Self-hosted personal finance: budgets, accounts and portfolios.",
    start_url: "/",
    scope: "/",
    display: "standalone",
    // The light theme's colours; the page's <meta name="theme-color"> follows the dark theme when it is on.
    background_color: "#f8fafc",
    theme_color: "#047857",
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
