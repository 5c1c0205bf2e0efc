import { Arg, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Allow, ANY_ROLE } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import type { QuellContext } from "../../platform/graphql/context";
import { Notification, NotificationSubscription, Webhook, WebhookDelivery } from "./notification.entity";
import { SaveWebhookInput, SubscribeInput, WebhookDeliveriesFilter } from "./notification.inputs";

@ObjectType({ description: "A webhook with its signing secret: returned only when the secret is new." })
class WebhookWithSecret {
  @Field(() => Webhook) webhook!: Webhook;
  @Field(() => String, { nullable: true, description: "Shown once; store it now (null when an existing webhook was edited)." }) secret!: string | null;
}

@ObjectType()
class NotificationSettings {
  @Field(() => Boolean, { description: "True when SMTP is configured: subscribers are emailed as well as notified in the app." }) emailEnabled!: boolean;
}

/** Webhooks (admins), subscriptions and in-app messages (every user, their own). */
@Resolver()
export class NotificationResolver {
  @Allow(Role.admin)
  @Query(() => [Webhook])
  webhooks(@Ctx() ctx: QuellContext): Promise<Webhook[]> {
    return ctx.services.webhooks.list();
  }

  @Allow(Role.admin)
  @Query(() => [WebhookDelivery], { description: "A webhook's delivery log, newest first." })
  webhookDeliveries(@Arg("filter", () => WebhookDeliveriesFilter) filter: WebhookDeliveriesFilter, @Ctx() ctx: QuellContext): Promise<WebhookDelivery[]> {
    return ctx.services.webhooks.deliveries(filter.webhookId, filter.first, filter.event);
  }

  @Allow(Role.admin)
  @Mutation(() => WebhookWithSecret, { description: "Creates a webhook (its secret is in the answer, once) or edits one (id + version). Only http(s); internal addresses are refused in production." })
  saveWebhook(@Arg("input", () => SaveWebhookInput) input: SaveWebhookInput, @Ctx() ctx: QuellContext): Promise<WebhookWithSecret> {
    return ctx.services.webhooks.save(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => WebhookWithSecret, { description: "Replaces the signing secret; the new one is in the answer, once." })
  rotateWebhookSecret(@Arg("id", () => ID) id: string, @Arg("version", () => Int) version: number, @Ctx() ctx: QuellContext): Promise<WebhookWithSecret> {
    return ctx.services.webhooks.rotateSecret(ctx.principal!, id, version);
  }

  @Allow(Role.admin)
  @Mutation(() => Webhook, { description: "Deletes a webhook and its delivery log; returns it as it was." })
  deleteWebhook(@Arg("id", () => ID) id: string, @Arg("version", () => Int) version: number, @Ctx() ctx: QuellContext): Promise<Webhook> {
    return ctx.services.webhooks.remove(ctx.principal!, id, version);
  }

  @Allow(Role.admin)
  @Mutation(() => WebhookDelivery, { description: "Sends a logged delivery again, as a new delivery of the same event." })
  replayWebhookDelivery(@Arg("id", () => ID) id: string, @Ctx() ctx: QuellContext): Promise<WebhookDelivery> {
    return ctx.services.webhooks.replay(ctx.principal!, id);
  }

  @Allow(...ANY_ROLE)
  @Query(() => NotificationSettings)
  notificationSettings(@Ctx() ctx: QuellContext): NotificationSettings {
    return { emailEnabled: ctx.services.notifications.emailEnabled };
  }

  @Allow(...ANY_ROLE)
  @Query(() => [NotificationSubscription], { description: "The caller's subscriptions." })
  mySubscriptions(@Ctx() ctx: QuellContext): Promise<NotificationSubscription[]> {
    return ctx.services.notifications.mySubscriptions(ctx.principal!);
  }

  @Allow(...ANY_ROLE)
  @Query(() => [Notification], { description: "The caller's messages, newest first." })
  myNotifications(
    @Ctx() ctx: QuellContext,
    @Arg("first", () => Int, { defaultValue: 50 }) first: number,
    @Arg("unreadOnly", () => Boolean, { defaultValue: false }) unreadOnly: boolean,
  ): Promise<Notification[]> {
    return ctx.services.notifications.myNotifications(ctx.principal!, first ?? 50, unreadOnly ?? false);
  }

  @Allow(...ANY_ROLE)
  @Mutation(() => NotificationSubscription, { description: "Follows a service, a team or one incident (subscribing twice is a no-op)." })
  subscribe(@Arg("input", () => SubscribeInput) input: SubscribeInput, @Ctx() ctx: QuellContext): Promise<NotificationSubscription> {
    return ctx.services.notifications.subscribe(ctx.principal!, input);
  }

  @Allow(...ANY_ROLE)
  @Mutation(() => NotificationSubscription, { description: "Stops following; only your own subscriptions." })
  unsubscribe(@Arg("id", () => ID) id: string, @Ctx() ctx: QuellContext): Promise<NotificationSubscription> {
    return ctx.services.notifications.unsubscribe(ctx.principal!, id);
  }

  @Allow(...ANY_ROLE)
  @Mutation(() => Int, { description: "Marks your messages read; returns how many changed." })
  markNotificationsRead(@Arg("ids", () => [ID]) ids: string[], @Ctx() ctx: QuellContext): Promise<number> {
    return ctx.services.notifications.markRead(ctx.principal!, ids);
  }
}
