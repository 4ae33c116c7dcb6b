import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

import { OfflineSupport } from "@/components/OfflineSupport";

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
    <html lang="en">
      <body className="min-h-dvh bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <OfflineSupport />
        {children}
      </body>
    </html>
  );
}
