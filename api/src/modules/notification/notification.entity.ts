import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { VersionedEntity } from "../../platform/database/base.entity";
import { User } from "../user/user.entity";

export enum WebhookKind {
  /** Quell's own JSON envelope, signed (see README "Outbound webhooks"). */
  generic = "generic",
  /** Slack's incoming-webhook format ({ text, blocks }). */
  slack = "slack",
}
registerEnumType(WebhookKind, { name: "WebhookKind" });

export enum DeliveryStatus {
  pending = "pending",
  succeeded = "succeeded",
  failed = "failed",
}
registerEnumType(DeliveryStatus, { name: "DeliveryStatus" });

export enum SubscriptionTarget {
  service = "service",
  team = "team",
  incident = "incident",
}
registerEnumType(SubscriptionTarget, { name: "SubscriptionTarget" });

/** An outbound webhook. Its signing secret is stored to sign with, and shown only when created or rotated. */
@ObjectType()
@Entity("webhook")
export class Webhook extends VersionedEntity {
  @Field(() => String)
  @Column({ type: "varchar", length: 120 })
  name!: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 2000 })
  url!: string;

  @Field(() => WebhookKind)
  @Column({ type: "enum", enum: WebhookKind, enumName: "webhook_kind", default: WebhookKind.generic })
  kind!: WebhookKind;

  @Field(() => [String], { description: "Event names it receives (e.g. incident.create, incident.sla_breached, problem.created); empty means all." })
  @Column({ type: "jsonb", default: () => "'[]'" })
  events!: string[];

  @Field(() => Boolean)
  @Column({ type: "boolean", default: true })
  active!: boolean;

  @Column({ type: "varchar", length: 200 })
  secret!: string;

  @Field(() => String, { description: "The secret's first characters, to tell secrets apart." })
  secretHint(): string {
    return `${this.secret.slice(0, 10)}…`;
  }
}

/** One event sent (or to be sent) to one webhook: every attempt's outcome is kept for the log and replay. */
@ObjectType()
@Entity("webhook_delivery")
@Index("IDX_webhook_delivery_webhook_created", ["webhookId", "createdAt"])
export class WebhookDelivery {
  @Field(() => ID) @PrimaryGeneratedColumn("uuid") id!: string;
  @Field(() => ID) @Column({ type: "uuid" }) webhookId!: string;
  @ManyToOne(() => Webhook, { onDelete: "CASCADE" })
  @JoinColumn({ name: "webhook_id" })
  webhook?: Webhook;
  @Field(() => String) @Column({ type: "varchar", length: 80 }) event!: string;
  @Field(() => GraphQLJSONObject, { description: "The envelope sent (before the Slack rendering, for Slack hooks)." }) @Column({ type: "jsonb" }) payload!: Record<string, unknown>;
  @Field(() => DeliveryStatus) @Column({ type: "enum", enum: DeliveryStatus, enumName: "delivery_status", default: DeliveryStatus.pending }) status!: DeliveryStatus;
  @Field(() => Int) @Column({ type: "int", default: 0 }) attempts!: number;
  @Field(() => Int, { nullable: true }) @Column({ type: "int", nullable: true }) lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) @Column({ type: "text", nullable: true }) lastError!: string | null;
  @Field(() => Int, { nullable: true, description: "Milliseconds the last attempt took." }) @Column({ type: "int", nullable: true }) lastDurationMs!: number | null;
  @Field(() => ID, { nullable: true, description: "The delivery this one replays." }) @Column({ type: "uuid", nullable: true }) replayOfId!: string | null;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) lastAttemptAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) deliveredAt!: Date | null;
}

/** A user following a service, a team or one incident. */
@ObjectType()
@Entity("notification_subscription")
@Unique("UQ_notification_subscription", ["userId", "targetType", "targetId"])
@Index("IDX_notification_subscription_target", ["targetType", "targetId"])
export class NotificationSubscription {
  @Field(() => ID) @PrimaryGeneratedColumn("uuid") id!: string;
  @Field(() => ID) @Column({ type: "uuid" }) userId!: string;
  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User;
  @Field(() => SubscriptionTarget) @Column({ type: "enum", enum: SubscriptionTarget, enumName: "subscription_target" }) targetType!: SubscriptionTarget;
  @Field(() => ID) @Column({ type: "uuid" }) targetId!: string;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
}

/** A message to one user: shown in the app, and emailed when SMTP is configured. */
@ObjectType()
@Entity("notification")
@Index("IDX_notification_user_created", ["userId", "createdAt"])
export class Notification {
  @Field(() => ID) @PrimaryGeneratedColumn("uuid") id!: string;
  @Field(() => ID) @Column({ type: "uuid" }) userId!: string;
  @ManyToOne(() => User, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id" })
  user?: User;
  @Field(() => String) @Column({ type: "varchar", length: 80 }) event!: string;
  @Field(() => ID, { nullable: true }) @Column({ type: "uuid", nullable: true }) incidentId!: string | null;
  @Field(() => String) @Column({ type: "text" }) message!: string;
  @Field(() => Date) @CreateDateColumn({ type: "timestamptz" }) createdAt!: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) readAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) emailedAt!: Date | null;
}
