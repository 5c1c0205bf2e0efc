import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { VersionedEntity } from "../../platform/database/base.entity";
import { Service } from "../catalog/catalog.entity";
import { Incident, Severity } from "../incident/incident.entity";

export enum AlertSource {
  alertmanager = "alertmanager",
  pagerduty = "pagerduty",
  generic = "generic",
}
registerEnumType(AlertSource, { name: "AlertSource", description: "Which monitoring system an integration hears from." });

export enum AlertStatus {
  firing = "firing",
  resolved = "resolved",
}
registerEnumType(AlertStatus, { name: "AlertStatus" });

/** Where a generic webhook's fields are (dot paths into its JSON body). */
@ObjectType()
export class FieldMapping {
  @Field(() => String, { description: "Path of the alert's title, e.g. `check.name`." }) title!: string;
  @Field(() => String, { nullable: true, description: "Path of its status; values in resolvedValues resolve the alert." }) status?: string | null;
  @Field(() => [String], { nullable: true, description: "Status values that mean resolved (default: resolved, ok)." }) resolvedValues?: string[] | null;
  @Field(() => String, { nullable: true }) severity?: string | null;
  @Field(() => String, { nullable: true, description: "Path of the sender's own dedup key." }) dedupKey?: string | null;
  @Field(() => String, { nullable: true, description: "Path of an object of labels (string values)." }) labels?: string | null;
  @Field(() => String, { nullable: true, description: "Path of the service name (matched against the catalog)." }) service?: string | null;
  @Field(() => String, { nullable: true, description: "Path of a description." }) description?: string | null;
}

/** A monitoring source allowed to send events, with its own token (only the hash is kept). */
@ObjectType()
@Entity("alert_integration")
export class AlertIntegration extends VersionedEntity {
  @Field(() => String) @Column({ type: "varchar", length: 120, unique: true }) name!: string;
  @Field(() => AlertSource) @Column({ type: "enum", enum: AlertSource, enumName: "alert_source" }) source!: AlertSource;
  @Index({ unique: true }) @Column({ type: "varchar", length: 64, select: false }) tokenHash!: string;
  @Field(() => String, { description: "First characters of the token, to recognise it." }) @Column({ type: "varchar", length: 16 }) tokenPrefix!: string;
  @Field(() => ID, { nullable: true, description: "Service its alerts belong to when they name none the catalog knows." })
  @Column({ type: "uuid", nullable: true })
  serviceId!: string | null;
  @ManyToOne(() => Service, { onDelete: "SET NULL" }) @JoinColumn({ name: "service_id" }) service?: Service;
  @Field(() => String, { description: "Label whose value names the alert's service (matched to a service name)." })
  @Column({ type: "varchar", length: 80, default: "service" })
  serviceLabel!: string;
  @Field(() => [String], { description: "Fields the fingerprint is made of (e.g. labels.alertname, dedupKey); empty: the source's dedup key, else its labels." })
  @Column({ type: "jsonb", default: () => "'[]'" })
  dedupFields!: string[];
  @Field(() => FieldMapping, { nullable: true, description: "Generic webhooks: where the fields are." })
  @Column({ type: "jsonb", nullable: true })
  fieldMapping!: FieldMapping | null;
  @Field(() => Boolean) @Column({ type: "boolean", default: true }) enabled!: boolean;
}

/** Why correlation stopped trying an event. */
export enum AlertEventDeadReason {
  /** It failed alertEventMaxAttempts times. */
  attempts_exhausted = "attempts_exhausted",
  /** An admin discarded it. */
  discarded = "discarded",
}
registerEnumType(AlertEventDeadReason, { name: "AlertEventDeadReason", description: "Why correlation stopped trying an alert event." });

/** What the ingestion endpoint stored: one delivery, already validated and normalised, waiting for correlation. */
@Entity("alert_event")
@Index("UQ_alert_event_idempotency", ["integrationId", "idempotencyKey"], { unique: true })
@Index("IDX_alert_event_unprocessed", ["receivedAt"], { where: "processed_at IS NULL AND dead_at IS NULL" })
@Index("IDX_alert_event_failing", ["receivedAt"], { where: "processed_at IS NULL AND attempts > 0" })
export class AlertEvent {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column({ type: "uuid" }) integrationId!: string;
  @ManyToOne(() => AlertIntegration, { onDelete: "CASCADE" }) @JoinColumn({ name: "integration_id" }) integration?: AlertIntegration;
  @Column({ type: "varchar", length: 64 }) idempotencyKey!: string;
  @CreateDateColumn({ type: "timestamptz" }) receivedAt!: Date;
  @Column({ type: "jsonb" }) alerts!: unknown[];
  /** How many of its alerts correlation has applied (each in its own transaction, so a retry resumes). */
  @Column({ type: "int", default: 0 }) applied!: number;
  @Column({ type: "timestamptz", nullable: true }) processedAt!: Date | null;
  /** Failed attempts to apply it alone; each puts it off for longer (see AlertService.deferFailedEvent). */
  @Column({ type: "int", default: 0 }) attempts!: number;
  /** Not tried again before this. */
  @Column({ type: "timestamptz", nullable: true }) retryAt!: Date | null;
  @Column({ type: "text", nullable: true }) lastError!: string | null;
  /** Given up on (kept for people to read; never tried again): after too many attempts, or discarded by an admin. */
  @Column({ type: "timestamptz", nullable: true }) deadAt!: Date | null;
  @Column({ type: "enum", enum: AlertEventDeadReason, enumName: "alert_event_dead_reason", nullable: true }) deadReason!: AlertEventDeadReason | null;
}

/** One alert (a fingerprint) from one integration: repeats raise its count instead of adding rows. */
@ObjectType()
@Entity("alert")
@Index("UQ_alert_fingerprint", ["integrationId", "fingerprint"], { unique: true })
@Index("IDX_alert_last_seen", ["lastSeenAt", "id"])
@Index("IDX_alert_correlation", ["correlationKey", "lastSeenAt"])
export class Alert extends VersionedEntity {
  @Field(() => ID) @Column({ type: "uuid" }) integrationId!: string;
  @ManyToOne(() => AlertIntegration, { onDelete: "CASCADE" }) @JoinColumn({ name: "integration_id" }) integration?: AlertIntegration;
  @Field(() => AlertSource) @Column({ type: "enum", enum: AlertSource, enumName: "alert_source" }) source!: AlertSource;
  @Field(() => String) @Column({ type: "varchar", length: 64 }) fingerprint!: string;
  @Field(() => AlertStatus) @Column({ type: "enum", enum: AlertStatus, enumName: "alert_status" }) status!: AlertStatus;
  @Field(() => String) @Column({ type: "varchar", length: 300 }) title!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) description!: string;
  @Field(() => String, { nullable: true, description: "Severity as the source said it." }) @Column({ type: "varchar", length: 40, nullable: true }) sourceSeverity!: string | null;
  @Field(() => Severity) @Column({ type: "enum", enum: Severity, enumName: "severity" }) severity!: Severity;
  @Field(() => ID, { nullable: true }) @Index() @Column({ type: "uuid", nullable: true }) serviceId!: string | null;
  @ManyToOne(() => Service, { onDelete: "SET NULL" }) @JoinColumn({ name: "service_id" }) service?: Service;
  @Field(() => GraphQLJSONObject) @Column({ type: "jsonb", default: () => "'{}'" }) labels!: Record<string, string>;
  @Field(() => GraphQLJSONObject) @Column({ type: "jsonb", default: () => "'{}'" }) details!: Record<string, unknown>;
  @Field(() => Int, { description: "Events received for it (repeats included)." }) @Column({ type: "int", default: 1 }) count!: number;
  @Field(() => Date) @Column({ type: "timestamptz" }) firstSeenAt!: Date;
  @Field(() => Date) @Column({ type: "timestamptz" }) lastSeenAt!: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) acknowledgedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) resolvedAt!: Date | null;
  @Field(() => ID, { nullable: true }) @Index() @Column({ type: "uuid", nullable: true }) incidentId!: string | null;
  @ManyToOne(() => Incident, { onDelete: "SET NULL" }) @JoinColumn({ name: "incident_id" }) incident?: Incident;
  @Field(() => ID, { nullable: true, description: "The correlation rule that placed it." }) @Column({ type: "uuid", nullable: true }) ruleId!: string | null;
  @Column({ type: "varchar", length: 300, nullable: true }) correlationKey!: string | null;
  @Field(() => String, { nullable: true, description: "`rule` or `agent`: who put it in its incident." }) @Column({ type: "varchar", length: 10, nullable: true }) placedBy!: string | null;
  @Field(() => Boolean, { description: "Inside a maintenance or change window: kept, but opens nothing." }) @Column({ type: "boolean", default: false }) suppressed!: boolean;
  @Field(() => String, { nullable: true }) @Column({ type: "text", nullable: true }) suppressedReason!: string | null;
  @Field(() => Boolean, { description: "Changing state too often: held back from opening incidents." }) @Column({ type: "boolean", default: false }) flapping!: boolean;
  @Field(() => Int, { description: "firing/resolved changes within the current flap window." }) @Column({ type: "int", default: 0 }) stateChanges!: number;
  @Column({ type: "timestamptz" }) stateChangesSince!: Date;
}

/** How alerts are grouped into incidents. */
@ObjectType()
@Entity("correlation_rule")
export class CorrelationRule extends VersionedEntity {
  @Field(() => String) @Column({ type: "varchar", length: 120, unique: true }) name!: string;
  @Field(() => Int, { description: "Rules are tried in this order; the first that matches decides." }) @Column({ type: "int", default: 100 }) position!: number;
  @Field(() => Boolean) @Column({ type: "boolean", default: true }) enabled!: boolean;
  @Field(() => GraphQLJSONObject, { description: "Labels an alert must carry (equal values) for the rule to apply; empty: every alert." })
  @Column({ type: "jsonb", default: () => "'{}'" })
  matchLabels!: Record<string, string>;
  @Field(() => Boolean, { description: "Group alerts of the same service." }) @Column({ type: "boolean", default: true }) sameService!: boolean;
  @Field(() => [String], { description: "Group alerts whose values of these labels are equal." }) @Column({ type: "jsonb", default: () => "'[]'" }) groupLabels!: string[];
  @Field(() => Int, { description: "An alert joins a group whose last alert was seen within this many minutes." }) @Column({ type: "int", default: 30 }) windowMinutes!: number;
  @Field(() => Boolean, { description: "Open an incident when no open one is in the group." }) @Column({ type: "boolean", default: true }) createIncident!: boolean;
  @Field(() => Boolean, { description: "Move an incident it opened to recovered when all its alerts resolve." }) @Column({ type: "boolean", default: true }) recoverIncident!: boolean;
}

/** A planned quiet time: alerts on its services are suppressed while it lasts. */
@ObjectType()
@Entity("maintenance_window")
@Index("IDX_maintenance_window_range", ["startsAt", "endsAt"])
export class MaintenanceWindow extends VersionedEntity {
  @Field(() => String) @Column({ type: "varchar", length: 200 }) name!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) reason!: string;
  @Field(() => Date) @Column({ type: "timestamptz" }) startsAt!: Date;
  @Field(() => Date) @Column({ type: "timestamptz" }) endsAt!: Date;
  @Field(() => [ID], { description: "Empty: every service." }) @Column({ type: "uuid", array: true, default: () => "'{}'" }) serviceIds!: string[];
}

/** An incident opened by correlation: which alert opened it (metrics count these) and whether to recover it. */
@ObjectType()
@Entity("alert_incident")
export class AlertIncident {
  @Field(() => ID) @PrimaryColumn({ type: "uuid" }) incidentId!: string;
  @ManyToOne(() => Incident, { onDelete: "CASCADE" }) @JoinColumn({ name: "incident_id" }) incident?: Incident;
  @Field(() => ID, { nullable: true }) @Column({ type: "uuid", nullable: true }) alertId!: string | null;
  @ManyToOne(() => Alert, { onDelete: "SET NULL" }) @JoinColumn({ name: "alert_id" }) alert?: Alert;
  @Field(() => ID, { nullable: true }) @Column({ type: "uuid", nullable: true }) ruleId!: string | null;
  @Field(() => Boolean) @Column({ type: "boolean" }) recoverWhenResolved!: boolean;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}
