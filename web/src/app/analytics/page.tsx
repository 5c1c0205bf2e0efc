"use client";

import { Suspense } from "react";
import { AnalyticsView } from "@/components/analytics/AnalyticsView";

export default function AnalyticsPage() {
  return (
    <Suspense fallback={<p className="muted">Loading analytics…</p>}>
      <AnalyticsView />
    </Suspense>
  );
}
