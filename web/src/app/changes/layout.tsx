import type { ReactNode } from "react";
import "react-big-calendar/lib/css/react-big-calendar.css";
import "@/components/change/change.css";

export default function ChangesLayout({ children }: { children: ReactNode }) {
  return children;
}
