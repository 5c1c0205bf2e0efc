"use client";

import { useState } from "react";
import { useSession } from "@/components/AppShell";
import { AuditAdmin } from "@/components/admin/AuditAdmin";
import { CatalogAdmin } from "@/components/admin/CatalogAdmin";
import { PriorityMatrixAdmin } from "@/components/admin/PriorityMatrixAdmin";
import { TokensAdmin } from "@/components/admin/TokensAdmin";
import { UsersAdmin } from "@/components/admin/UsersAdmin";
import { SlaAdmin } from "@/components/admin/SlaAdmin";
import { WebhooksAdmin } from "@/components/admin/WebhooksAdmin";
import { AlertIntegrationsAdmin, CorrelationRulesAdmin, FailingAlertEventsAdmin, MaintenanceWindowsAdmin } from "@/components/admin/AlertAdmin";

const SECTIONS = [
  { id: "users", label: "Users" },
  { id: "tokens", label: "API tokens" },
  { id: "teams", label: "Teams" },
  { id: "services", label: "Services" },
  { id: "matrix", label: "Priority matrix" },
  { id: "sla", label: "SLA policies" },
  { id: "integrations", label: "Alert integrations" },
  { id: "alert-events", label: "Failing alert events" },
  { id: "correlation", label: "Correlation rules" },
  { id: "maintenance", label: "Maintenance windows" },
  { id: "webhooks", label: "Webhooks" },
  { id: "audit", label: "Audit log" },
] as const;
type SectionId = (typeof SECTIONS)[number]["id"];

/** Administration (admin role only; the API refuses everyone else too). */
export default function AdminPage() {
  const { user } = useSession();
  const [section, setSection] = useState<SectionId>("users");
  if (user?.role !== "admin") {
    return (
      <section aria-labelledby="admin-title">
        <h1 id="admin-title">Administration</h1>
        <p role="alert" className="error">
          Only administrators may open this page.
        </p>
      </section>
    );
  }
  const current = SECTIONS.find((s) => s.id === section)!;
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Administration</h1>
      <nav aria-label="Administration sections" className="actions subnav">
        {SECTIONS.map((s) => (
          <button key={s.id} type="button" aria-current={s.id === section ? "page" : undefined} className={s.id === section ? "primary" : undefined} onClick={() => setSection(s.id)}>
            {s.label}
          </button>
        ))}
      </nav>
      <h2>{current.label}</h2>
      {section === "users" && <UsersAdmin />}
      {section === "tokens" && <TokensAdmin />}
      {section === "teams" && <CatalogAdmin part="teams" />}
      {section === "services" && <CatalogAdmin part="services" />}
      {section === "matrix" && <PriorityMatrixAdmin />}
      {section === "sla" && <SlaAdmin />}
      {section === "integrations" && <AlertIntegrationsAdmin />}
      {section === "alert-events" && <FailingAlertEventsAdmin />}
      {section === "correlation" && <CorrelationRulesAdmin />}
      {section === "maintenance" && <MaintenanceWindowsAdmin />}
      {section === "webhooks" && <WebhooksAdmin />}
      {section === "audit" && <AuditAdmin />}
    </section>
  );
}
