import type { NextConfig } from "next";

const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // The app lives in a subfolder of the FinCloud repository; keep Turbopack from guessing the root.
  turbopack: { root: import.meta.dirname },
};

export default config;
