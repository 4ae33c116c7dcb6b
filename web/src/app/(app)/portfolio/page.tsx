import type { Metadata } from "next";

import { PortfolioScreen } from "@/components/portfolio/PortfolioScreen";

export const metadata: Metadata = { title: "Portfolio · FinCloud" };

export default function PortfolioPage() {
  return <PortfolioScreen />;
}
