import { Suspense } from "react";

import { FinCloudApp } from "@/components/FinCloudApp";

export default function Home() {
  // The app reads ?api= on the client, so the page itself stays static (and cacheable offline later).
  return (
    <Suspense>
      <FinCloudApp />
    </Suspense>
  );
}
