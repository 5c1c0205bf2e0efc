"use client";

import { use } from "react";
import { ChangeView } from "@/components/change/ChangeView";

export default function ChangePage({ params }: { params: Promise<{ key: string }> }) {
  const { key } = use(params);
  return <ChangeView changeKey={decodeURIComponent(key)} />;
}
