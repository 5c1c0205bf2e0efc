import type { SelectHTMLAttributes } from "react";

type SelectAttributes = Omit<SelectHTMLAttributes<HTMLSelectElement>, "value" | "onChange" | "children">;

/** A select over a GraphQL enum's values (from the generated `…Values`), each shown by its label. */
type EnumSelectProps<T extends string> = SelectAttributes & {
  values: readonly T[];
  /** How a value reads to people (default: the value itself). */
  labels?: Record<T, string> | ((value: T) => string);
} & (
    | {
        /** Label of a first, empty choice ("" : any value, or none chosen); the value may then be "". */
        empty: string;
        // NoInfer: T comes from `values`, so a value state typed `T | ""` does not widen T to include "".
        value: NoInfer<T> | "";
        onChange: (value: NoInfer<T> | "") => void;
      }
    | { empty?: undefined; value: NoInfer<T>; onChange: (value: NoInfer<T>) => void }
  );

/**
 * The enum `<select>` the filters and forms repeat: an optional empty choice, then every value of
 * the enum in its declared order. The value handed back is typed as the enum (or "").
 */
export function EnumSelect<T extends string>({ values, labels, empty, value, onChange, ...select }: EnumSelectProps<T>) {
  return (
    <select {...select} value={value} onChange={(e) => (onChange as (value: string) => void)(e.target.value)}>
      {empty !== undefined && <option value="">{empty}</option>}
      {values.map((v) => (
        <option key={v} value={v}>
          {typeof labels === "function" ? labels(v) : labels ? labels[v] : v}
        </option>
      ))}
    </select>
  );
}
