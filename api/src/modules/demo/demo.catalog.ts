import { Criticality, ServiceKind } from "../catalog/catalog.entity";
import { Role } from "../../platform/auth/roles";
import { Severity } from "../incident/incident.entity";

/** The demo organisation: a mid-sized online retailer with an internal IT department. */
export const DEMO_PASSWORD = "quell-demo-password";

export const DEMO_TEAMS = [
  { name: "Service Desk", description: "First line: every request starts here", contactEmail: "servicedesk@quell.local" },
  { name: "Network Operations", description: "WAN, VPN, Wi-Fi, DNS and load balancers", contactEmail: "noc@quell.local" },
  { name: "Database Reliability", description: "PostgreSQL clusters, replication and backups", contactEmail: "dbre@quell.local" },
  { name: "Platform SRE", description: "Kubernetes, CI/CD and observability", contactEmail: "sre@quell.local" },
  { name: "Identity & Access", description: "SSO, MFA and directory", contactEmail: "iam@quell.local" },
  { name: "Payments Engineering", description: "Checkout and payment providers", contactEmail: "payments@quell.local" },
  { name: "Workplace IT", description: "Laptops, printers, meeting rooms and email", contactEmail: "workplace@quell.local" },
] as const;

export type DemoTeamName = (typeof DEMO_TEAMS)[number]["name"];

export const DEMO_SERVICES: Array<{ name: string; kind: ServiceKind; criticality: Criticality; team: DemoTeamName; description: string }> = [
  { name: "Checkout", kind: ServiceKind.business_service, criticality: Criticality.critical, team: "Payments Engineering", description: "Basket, payment and order confirmation" },
  { name: "Customer Portal", kind: ServiceKind.business_service, criticality: Criticality.high, team: "Platform SRE", description: "Accounts, orders and returns for customers" },
  { name: "Search API", kind: ServiceKind.business_service, criticality: Criticality.high, team: "Platform SRE", description: "Product search and autocomplete" },
  { name: "Corporate Email", kind: ServiceKind.business_service, criticality: Criticality.medium, team: "Workplace IT", description: "Mail, calendars and shared mailboxes" },
  { name: "VPN", kind: ServiceKind.business_service, criticality: Criticality.high, team: "Network Operations", description: "Remote access for staff" },
  { name: "Single Sign-On", kind: ServiceKind.business_service, criticality: Criticality.critical, team: "Identity & Access", description: "Okta-style SSO and MFA for every internal app" },
  { name: "orders-db (PostgreSQL)", kind: ServiceKind.configuration_item, criticality: Criticality.critical, team: "Database Reliability", description: "Primary and two replicas for orders" },
  { name: "prod-k8s cluster", kind: ServiceKind.configuration_item, criticality: Criticality.critical, team: "Platform SRE", description: "Production Kubernetes" },
  { name: "Office Wi-Fi", kind: ServiceKind.configuration_item, criticality: Criticality.low, team: "Network Operations", description: "Wireless in the three offices" },
  { name: "Laptop Fleet", kind: ServiceKind.configuration_item, criticality: Criticality.low, team: "Workplace IT", description: "Managed staff laptops" },
  { name: "Data Warehouse", kind: ServiceKind.business_service, criticality: Criticality.medium, team: "Database Reliability", description: "Nightly ETL and reporting" },
];

export const DEMO_USERS: Array<{ email: string; name: string; role: Role; team: DemoTeamName | null }> = [
  { email: "agent@quell.local", name: "Alex Agent", role: Role.agent, team: "Service Desk" },
  { email: "problem@quell.local", name: "Priya Problem-Manager", role: Role.problem_manager, team: "Platform SRE" },
  { email: "change@quell.local", name: "Chen Change-Manager", role: Role.change_manager, team: "Platform SRE" },
  { email: "analyst@quell.local", name: "Ana Analyst", role: Role.analyst, team: null },
  { email: "admin@quell.local", name: "Adam Admin", role: Role.admin, team: null },
  { email: "sam@quell.local", name: "Sam Network", role: Role.agent, team: "Network Operations" },
  { email: "dana@quell.local", name: "Dana Database", role: Role.agent, team: "Database Reliability" },
  { email: "kim@quell.local", name: "Kim Platform", role: Role.agent, team: "Platform SRE" },
  { email: "ivan@quell.local", name: "Ivan Identity", role: Role.agent, team: "Identity & Access" },
  { email: "pat@quell.local", name: "Pat Payments", role: Role.agent, team: "Payments Engineering" },
  { email: "wes@quell.local", name: "Wes Workplace", role: Role.agent, team: "Workplace IT" },
];

/** Incident shapes seen in real service desks; {n} and {x} are filled per incident. */
export interface IncidentTemplate {
  service: string;
  category: string;
  severity: Severity;
  impact: number;
  urgency: number;
  titles: string[];
  description: string;
  resolution: string;
  rootCause: string;
}

export const INCIDENT_TEMPLATES: IncidentTemplate[] = [
  { service: "Checkout", category: "application", severity: Severity.SEV1, impact: 1, urgency: 1, titles: ["Checkout returns HTTP 502 for all card payments", "Payment gateway timeouts at checkout", "Orders stuck in 'payment pending'"], description: "Customers cannot complete payment. Error rate on /checkout/pay above {x}%. Payment provider dashboard shows TLS handshake failures.", resolution: "Rolled back the payment-client release and renewed the provider TLS certificate.", rootCause: "An expired intermediate certificate in the payment client's trust bundle." },
  { service: "Checkout", category: "application", severity: Severity.SEV2, impact: 2, urgency: 1, titles: ["Discount codes rejected at checkout", "Checkout slow: p95 above 8 seconds", "Apple Pay option missing on checkout page"], description: "Reports from support chat: {x} customers in the last hour. Other payment methods work.", resolution: "Feature flag for the new promotions engine turned off; fix deployed next day.", rootCause: "A promotions-engine release changed the code validation rules." },
  { service: "Customer Portal", category: "application", severity: Severity.SEV2, impact: 2, urgency: 2, titles: ["Customers cannot download invoices", "Order history page shows error 500", "Password reset emails not arriving for customers"], description: "The portal returns an error for {x}% of requests to the affected page. Logs show null pointer in the invoice renderer.", resolution: "Hotfix for the invoice renderer deployed; failed jobs re-queued.", rootCause: "Orders without a billing address were not handled by the renderer." },
  { service: "Search API", category: "performance", severity: Severity.SEV2, impact: 1, urgency: 2, titles: ["Search latency above 3 s", "Autocomplete returns no results", "Search index out of date by several hours"], description: "p95 latency of /search is {x} ms (normal 180 ms). Elasticsearch heap usage at 92%.", resolution: "Added two data nodes and rebalanced shards; disabled an expensive aggregation.", rootCause: "A new facet aggregation on every query doubled heap usage." },
  { service: "Corporate Email", category: "email", severity: Severity.SEV3, impact: 2, urgency: 2, titles: ["Emails delayed by up to an hour", "Shared mailbox not syncing on phones", "Calendar invites from partners land in spam"], description: "Several departments report delayed mail. Queue on the outbound relay has {x} messages.", resolution: "Cleared the relay queue and raised the connection limit to the upstream provider.", rootCause: "The upstream provider throttled our relay after a bulk newsletter was sent from a staff mailbox." },
  { service: "VPN", category: "network", severity: Severity.SEV2, impact: 1, urgency: 2, titles: ["VPN disconnects every few minutes", "VPN login fails with 'certificate invalid'", "Remote staff cannot reach internal apps over VPN"], description: "About {x} remote users affected. Concentrator CPU at 95%, many re-keying events in the log.", resolution: "Failed over to the secondary concentrator and upgraded firmware on the primary.", rootCause: "A firmware bug caused re-key storms under load." },
  { service: "Single Sign-On", category: "access", severity: Severity.SEV1, impact: 1, urgency: 1, titles: ["Nobody can log in to internal apps (SSO down)", "MFA push notifications not delivered", "SAML assertions rejected by HR system"], description: "Login page spins then errors. {x} failed logins per minute. Status page of the identity provider is green.", resolution: "Rotated the SAML signing certificate on the affected apps and cleared the session cache.", rootCause: "Signing certificate rotated on the IdP without updating service-provider metadata." },
  { service: "Single Sign-On", category: "access", severity: Severity.SEV4, impact: 3, urgency: 2, titles: ["Password reset for a user", "User locked out after too many attempts", "New starter cannot enrol MFA device"], description: "Single user request from the service desk queue.", resolution: "Identity verified by phone; account unlocked and password reset.", rootCause: "User error; no defect." },
  { service: "orders-db (PostgreSQL)", category: "database", severity: Severity.SEV1, impact: 1, urgency: 1, titles: ["orders-db primary out of disk space", "Replication lag on orders-db replica above 10 minutes", "orders-db connections exhausted"], description: "Application errors 'too many connections' / 'could not extend file'. Disk at {x}% on the primary.", resolution: "Freed WAL by dropping an abandoned replication slot; added 500 GB; enabled slot monitoring.", rootCause: "An abandoned logical replication slot retained WAL until the disk filled." },
  { service: "orders-db (PostgreSQL)", category: "database", severity: Severity.SEV3, impact: 3, urgency: 2, titles: ["Slow query alert on orders-db", "Nightly vacuum running into business hours", "Backup job on orders-db took twice as long"], description: "Monitoring alert; no customer impact yet. Query time {x} ms.", resolution: "Added a missing index and rescheduled the job.", rootCause: "Missing index after a schema change." },
  { service: "prod-k8s cluster", category: "infrastructure", severity: Severity.SEV2, impact: 2, urgency: 1, titles: ["Pods evicted on prod-k8s nodes (memory pressure)", "Deployments stuck: image pull backoff", "Node pool autoscaler not adding nodes"], description: "{x} pods pending. Several services degraded. Events show ImagePullBackOff / OOMKilled.", resolution: "Raised registry rate limit and added a pull-through cache; set memory limits on the offending job.", rootCause: "A batch job without memory limits starved the node pool." },
  { service: "Office Wi-Fi", category: "network", severity: Severity.SEV4, impact: 3, urgency: 3, titles: ["Wi-Fi weak in meeting room {n}", "Guest Wi-Fi captive portal not loading", "Wi-Fi drops on 3rd floor"], description: "Reported by a few staff in one office.", resolution: "Access point rebooted and channel plan adjusted.", rootCause: "Channel interference from a neighbouring network." },
  { service: "Laptop Fleet", category: "hardware", severity: Severity.SEV4, impact: 3, urgency: 3, titles: ["Laptop will not boot after update", "Keyboard not working on laptop", "Printer on floor {n} jams constantly"], description: "Single user, hardware or local issue.", resolution: "Device swapped from spares; faulty unit sent for repair.", rootCause: "Hardware fault." },
  { service: "Data Warehouse", category: "data", severity: Severity.SEV3, impact: 2, urgency: 3, titles: ["Nightly ETL failed: sales dashboard empty", "Data warehouse load missing yesterday's orders", "Finance report shows duplicated rows"], description: "The morning dashboards show no data for yesterday. ETL job exited with code {x}.", resolution: "Re-ran the ETL with the fixed mapping; added a row-count check.", rootCause: "A source column was renamed without notice." },
];
