"use client";

import { CandidateInbox } from "@/components/problem/CandidateInbox";

export default function ProblemCandidatesPage() {
  return <CandidateInbox />;
}
