import type { Metadata } from "next";

import { AccountCreateForm } from "@/components/AccountCreateForm";
import { AccountList } from "@/components/AccountList";

export const metadata: Metadata = { title: "Accounts · FinCloud" };

export default function AccountsPage() {
  return (
    <div className="grid gap-8 lg:grid-cols-[1fr_20rem]">
      <AccountList />
      <AccountCreateForm />
    </div>
  );
}
