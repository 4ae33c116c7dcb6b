import type { Metadata } from "next";

import { Inbox } from "@/components/alerts/Inbox";

export const metadata: Metadata = { title: "Inbox · FinCloud" };

export default function InboxPage() {
  return <Inbox />;
}
