/** The options of a select over named records (services, teams, people), after an "empty" choice. */
export function NamedOptions({ empty, items }: { empty: string; items: ReadonlyArray<{ id: string; name: string }> }) {
  return (
    <>
      <option value="">{empty}</option>
      {items.map((item) => (
        <option key={item.id} value={item.id}>
          {item.name}
        </option>
      ))}
    </>
  );
}
