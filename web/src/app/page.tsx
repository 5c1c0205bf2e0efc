"use client";

import { Suspense } from "react";
import { TriageQueue } from "@/components/queue/TriageQueue";

export default function QueuePage() {
  return (
    <Suspense fallback={<p className="muted">Loading the queue…</p>}>
      <TriageQueue />
    </Suspense>
  );
}
