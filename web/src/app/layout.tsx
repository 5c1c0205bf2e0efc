import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { apiUrlFromEnv, websocketUrl } from "@/lib/config";
import { AppShell } from "@/components/AppShell";
import "./globals.css";

// No title here: AppShell renders one per page (pageTitle), which a metadata title would override on a full load.
export const metadata: Metadata = {
  description: "Incident triage and review",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render per request so the API URL comes from the running server's environment, not the build's.
  await connection();
  return (
    <html lang="en">
      <body>
        <AppShell wsUrl={websocketUrl(apiUrlFromEnv())}>{children}</AppShell>
      </body>
    </html>
  );
}
