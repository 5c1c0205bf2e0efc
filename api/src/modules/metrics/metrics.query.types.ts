import { ArrayMaxSize, ArrayMinSize, IsOptional, IsUUID, Max, Min, MaxLength } from "class-validator";
import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { MEASURES } from "../../measures";
import { Severity } from "../incident/incident.entity";
import { MetricsBucket, MetricsGrouping } from "./metrics.registry";

/** The measures as a GraphQL enum: only what a module defines exists, so a missing measure is absent, never a zero. */
export const MetricsMeasure: Record<string, string> = Object.fromEntries(MEASURES.map((m) => [m.id, m.id]));
registerEnumType(MetricsMeasure, {
  name: "MetricsMeasure",
  description: "A measure the `metrics` query can compute; each value's description is its definition.",
  valuesConfig: Object.fromEntries(MEASURES.map((m) => [m.id, { description: m.description }])),
});

@InputType({ description: "Keeps only the rows that match every filter given; a measure whose data has no such column refuses the filter." })
export class MetricsFilter {
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(100) @IsUUID("all", { each: true }) services?: string[] | null;
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(100) @IsUUID("all", { each: true }) teams?: string[] | null;
  @Field(() => [Int], { nullable: true }) @IsOptional() @ArrayMaxSize(10) @Min(1, { each: true }) @Max(5, { each: true }) priorities?: number[] | null;
  @Field(() => [Severity], { nullable: true }) @IsOptional() @ArrayMaxSize(10) severities?: Severity[] | null;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(100) @MaxLength(120, { each: true }) categories?: string[] | null;
}

@InputType()
export class MetricsInput {
  @Field(() => [MetricsMeasure], { description: "The measures, in the order the values of each row follow." })
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  measures!: string[];

  @Field(() => MetricsGrouping, { nullable: true, defaultValue: MetricsGrouping.none }) groupBy?: MetricsGrouping | null;
  @Field(() => MetricsGrouping, { nullable: true, defaultValue: MetricsGrouping.none, description: "A second grouping, inside the first." }) thenBy?: MetricsGrouping | null;
  @Field(() => MetricsBucket, { nullable: true, description: "Split the range into calendar buckets; left out, each group gets one row over the whole range." })
  bucket?: MetricsBucket | null;
  @Field(() => Date, { description: "Start of the range (inclusive)." }) from!: Date;
  @Field(() => Date, { description: "End of the range (exclusive)." }) to!: Date;
  @Field(() => MetricsFilter, { nullable: true }) filter?: MetricsFilter | null;
}

@ObjectType({ description: "One of the row's groups: its id (a service id, P1's 1, SEV2) and what people read." })
export class MetricsGroupKey {
  @Field(() => String, { nullable: true, description: "Null for the 'no service' / 'unassigned' group." }) id!: string | null;
  @Field(() => String) label!: string;
}

@ObjectType()
export class MetricsColumn {
  @Field(() => MetricsMeasure) measure!: string;
  @Field(() => String, { description: "minutes, hours, days, count or ratio (0–1)." }) unit!: string;
}

@ObjectType({ description: "One bucket × group × group: values follow the requested measures' order." })
export class MetricsRow {
  @Field(() => Date, { nullable: true, description: "Start of the bucket (UTC); null without a bucket." }) bucketStart!: Date | null;
  @Field(() => MetricsGroupKey, { nullable: true, description: "Null when groupBy is none." }) group!: MetricsGroupKey | null;
  @Field(() => MetricsGroupKey, { nullable: true, description: "Null when thenBy is none." }) group2!: MetricsGroupKey | null;
  @Field(() => [Float], { nullable: "items" }) values!: Array<number | null>;
}

@ObjectType()
export class MetricsResult {
  @Field(() => Date) from!: Date;
  @Field(() => Date) to!: Date;
  @Field(() => MetricsBucket, { nullable: true }) bucket!: MetricsBucket | null;
  @Field(() => MetricsGrouping) groupBy!: MetricsGrouping;
  @Field(() => MetricsGrouping) thenBy!: MetricsGrouping;
  @Field(() => [MetricsColumn]) columns!: MetricsColumn[];
  @Field(() => [MetricsRow], { description: "Ordered by bucket, then group label, then second group label." }) rows!: MetricsRow[];
  @Field(() => [GraphQLJSONObject], {
    description:
      "The same rows as flat objects, ready for a chart library or a spreadsheet: bucketStart (ISO), group, groupId, group2, group2Id " +
      "(those that apply) and one key per measure. Much cheaper than `rows` for thousands of rows: one field, not one per cell.",
  })
  records!: Array<Record<string, unknown>>;
}
