"use client";

import { use } from "react";
import { IncidentView } from "@/components/incident/IncidentView";

export default function IncidentPage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = use(params);
  return <IncidentView incidentKey={decodeURIComponent(key)} />;
}
