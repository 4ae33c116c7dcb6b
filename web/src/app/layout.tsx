import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { OfflineSupport } from "@/components/OfflineSupport";
import { THEME_SCRIPT } from "@/lib/theme";

import "./globals.css";

export const metadata: Metadata = {
  title: "FinCloud",
  description: "Self-hosted personal finance: budgets, accounts and portfolios.",
  icons: { icon: "/icons/icon-192.png", apple: "/icons/apple-touch-icon.png" },
};

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#047857" },
    { media: "(prefers-color-scheme: dark)", color: "#020617" },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The inline script sets the saved theme on <html> before the first paint; React is told not to mind that the
    // browser's <html> then differs from the server's.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-dvh bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <OfflineSupport />
        {children}
      </body>
    </html>
  );
}
