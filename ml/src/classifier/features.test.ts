import { describe, expect, it } from "vitest";
import { IncidentFeaturizer } from "./features";

const corpus = [
  { title: "vpn vpn tunnel down again", description: "the vpn tunnel drops every hour" },
  { title: "printer out of toner", description: "printer on floor two" },
  { title: "dns failing for vpn users", description: "dns lookups time out" },
  { title: "printer jam", description: "paper jam in the printer" },
];
const titleOnly = { title: "vpn vpn tunnel down printer" };

describe("IncidentFeaturizer field weights", () => {
  it("gives an incident with only a title the same vector whatever the title weight", () => {
    const one = IncidentFeaturizer.fit(corpus, { titleWeight: 1 }).transform(titleOnly);
    const three = IncidentFeaturizer.fit(corpus, { titleWeight: 3 }).transform(titleOnly);
    expect(Array.from(three.indices)).toEqual(Array.from(one.indices));
    three.values.forEach((v, i) => expect(v).toBeCloseTo(one.values[i], 6));
  });

  it("still lets the title outweigh the description when both are there", () => {
    const f = IncidentFeaturizer.fit(corpus, { titleWeight: 3, charNgrams: null });
    const v = f.transform({ title: "vpn", description: "printer" });
    const at = (term: string) => v.values[Array.from(v.indices).indexOf(f.words.vocab.indexOf(term)!)];
    expect(at("vpn")).toBeGreaterThan(at("printer"));
  });

  it("keeps weighting counts for models saved before the option existed", () => {
    const f = IncidentFeaturizer.fit(corpus, { titleWeight: 3 });
    const state = JSON.parse(JSON.stringify(f.toJSON()));
    delete state.opts.fieldWeightAfterTf;
    const legacy = IncidentFeaturizer.fromJSON(state);
    const oldWay = IncidentFeaturizer.fit(corpus, { titleWeight: 3, fieldWeightAfterTf: false }).transform(titleOnly);
    const loaded = legacy.transform(titleOnly);
    loaded.values.forEach((v, i) => expect(v).toBeCloseTo(oldWay.values[i], 6));
    // ...and that old way differs from the new one for a repeated title term.
    const now = f.transform(titleOnly);
    expect(Array.from(now.values).some((v, i) => Math.abs(v - loaded.values[i]) > 1e-4)).toBe(true);
  });
});
