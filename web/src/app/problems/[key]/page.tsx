"use client";

import { use } from "react";
import { ProblemView } from "@/components/problem/ProblemView";

export default function ProblemPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = use(params);
  return <ProblemView problemKey={decodeURIComponent(key)} />;
}
