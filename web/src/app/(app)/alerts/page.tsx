import type { Metadata } from "next";

import { AlertsScreen } from "@/components/alerts/AlertsScreen";

export const metadata: Metadata = { title: "Alerts · FinCloud" };

export default function AlertsPage() {
  return <AlertsScreen />;
}
