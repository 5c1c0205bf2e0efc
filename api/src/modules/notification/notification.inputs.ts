import { ArrayMaxSize, IsBoolean, IsEnum, IsInt, IsOptional, IsUUID, Length, Matches, MaxLength } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { Trim } from "../../platform/graphql/input-hygiene";
import { SubscriptionTarget, WebhookKind } from "./notification.entity";

@InputType()
export class SaveWebhookInput {
  @Field(() => ID, { nullable: true, description: "Edit this webhook (with version); omit to create one (its secret is returned once)." }) @IsOptional() @IsUUID() id?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() version?: number;
  @Field(() => String) @Trim() @Length(1, 120) name!: string;
  @Field(() => String) @Trim() @Length(8, 2000) url!: string;
  @Field(() => WebhookKind, { defaultValue: WebhookKind.generic }) @IsEnum(WebhookKind) kind!: WebhookKind;
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(50) @Matches(/^[a-z_]+\.[a-z_]+$/, { each: true, message: "events are names like incident.create" }) events!: string[];
  @Field(() => Boolean, { defaultValue: true }) @IsBoolean() active!: boolean;
}

@InputType()
export class SubscribeInput {
  @Field(() => SubscriptionTarget) @IsEnum(SubscriptionTarget) targetType!: SubscriptionTarget;
  @Field(() => ID) @IsUUID() targetId!: string;
}

@InputType()
export class WebhookDeliveriesFilter {
  @Field(() => ID) @IsUUID() webhookId!: string;
  @Field(() => Int, { defaultValue: 50 }) @IsInt() first!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(80) event?: string;
}
