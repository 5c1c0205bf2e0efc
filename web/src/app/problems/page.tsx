"use client";

import { ProblemList } from "@/components/problem/ProblemList";

export default function ProblemsPage() {
  return <ProblemList />;
}
