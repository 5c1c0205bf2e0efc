import { describe, expect, it } from "vitest";
import { trainClassifier, loadClassifier, InsufficientDataError, MIN_TOTAL_EXAMPLES } from "./index";

const network = ["vpn tunnel down", "dns resolution failing", "packet loss on switch", "firewall blocking port", "router bgp flap", "latency spike on wan link"];
const hardware = ["printer out of toner", "laptop screen cracked", "keyboard keys stuck", "monitor flickering", "mouse not working", "docking station dead"];
const toy = [0, 1, 2, 3].flatMap((rep) => [
  ...network.map((t) => ({ title: `${t} ${rep}`, service: "netops", label: "network" })),
  ...hardware.map((t) => ({ title: `${t} ${rep}`, description: "desk equipment", label: "hardware" })),
]);

describe("trainClassifier", () => {
  it("learns a separable toy set, explains itself and abstains on gibberish and empty input", async () => {
    const clf = await trainClassifier(toy, { seed: 3, targetPrecision: 0.9 });
    const net = clf.predict({ title: "vpn down and dns failing" });
    expect(net.label).toBe("network");
    expect(net.abstained).toBe(false);
    expect(net.reasons.map((r) => r.term)).toEqual(expect.arrayContaining(["vpn"]));
    expect(net.distribution.reduce((s, d) => s + d.probability, 0)).toBeCloseTo(1, 6);
    expect(clf.predict({ title: "monitor flickering and keyboard stuck" }).label).toBe("hardware");
    // Without explanations the same label and confidence come back, just no reasons.
    const quiet = clf.predict({ title: "vpn down and dns failing" }, { explain: false });
    expect(quiet).toMatchObject({ label: net.label, confidence: net.confidence, reasons: [] });
    for (const odd of [{ title: "" }, { title: "qzxv wkpf jjrt" }]) {
      const p = odd.title ? clf.predict(odd) : clf.predict(odd);
      expect(p.abstained).toBe(true);
      expect(p.label).toBeNull();
    }
  });

  it("answers quickly and without error on a 1 MB description and on non-Latin text", async () => {
    const clf = await trainClassifier(toy, { seed: 4 });
    const huge = "vpn tunnel down ".repeat(70_000);
    const t0 = Date.now();
    const p = clf.predict({ title: "vpn", description: huge });
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(p.topLabel).toBe("network");
    const varied = Array.from({ length: 400 }, (_, i) => `printer${i} toner${i} dns${i}`).join(" ");
    const t1 = Date.now();
    clf.predict({ title: "dns failing", description: varied });
    expect(Date.now() - t1).toBeLessThan(1_000);
    for (const title of ["数据库连接失败", "Ошибка базы данных", "فشل الاتصال"]) expect(clf.predict({ title }).abstained).toBe(true);
  });

  it("round-trips through a JSON artifact with identical predictions", async () => {
    const clf = await trainClassifier(toy, { seed: 5 });
    const copy = loadClassifier(JSON.parse(JSON.stringify(clf.toArtifact())));
    const inputs = [{ title: "dns down" }, { title: "printer toner", description: "desk" }, { title: "" }, { title: "switch flap", service: "netops" }];
    expect(copy.predictBatch(inputs)).toEqual(clf.predictBatch(inputs));
  });

  it("is deterministic for a seed", async () => {
    const a = await trainClassifier(toy, { seed: 9, epochs: 3 });
    const b = await trainClassifier(toy, { seed: 9, epochs: 3 });
    expect(Array.from(a.model.weights)).toEqual(Array.from(b.model.weights));
  });

  it("refuses too little data with a reason a person can act on", async () => {
    const small = toy.slice(0, 16); // 6 network + 6 hardware + 4 network
    await expect(trainClassifier(small)).rejects.toBeInstanceOf(InsufficientDataError);
    await expect(trainClassifier(small)).rejects.toThrow(/at least 30 labelled incidents/);
    const oneClass = toy.filter((e) => e.label === "network").concat([{ title: "x", label: "other" }]);
    await expect(trainClassifier(oneClass)).rejects.toThrow(/at least 2 labels/);
    expect(MIN_TOTAL_EXAMPLES).toBe(30);
  });
});

describe("trainClassifier with a fixed prior adjustment", () => {
  it("applies a caller's fixed strength even when validation is too small to search one", async () => {
    // 24 network against 8 hardware: a log-prior shift raises the rare class's bias.
    const skewed = [...toy.filter((r) => r.label === "network"), ...toy.filter((r) => r.label === "hardware").slice(0, 8)];
    const plain = await trainClassifier(skewed, { seed: 7, priorAdjustment: 0 });
    const shifted = await trainClassifier(skewed, { seed: 7, priorAdjustment: 1 });
    expect((shifted.validation as Record<string, unknown>).prior_adjustment).toBe(1);
    const hw = shifted.labels.indexOf("hardware");
    const net = shifted.labels.indexOf("network");
    const gap = (clf: typeof plain) => clf.model.bias[hw] - clf.model.bias[net];
    // tau * (log p(network) - log p(hardware)) = ln 3 on the training split's counts.
    expect(gap(shifted) - gap(plain)).toBeCloseTo(Math.log(3), 1);
  });
});

describe("readableTerm", () => {
  it("shows the normaliser's stand-ins as what they stand for", async () => {
    const { readableTerm } = await import("./predict");
    expect(readableTerm("xnumx")).toBe("<number>");
    expect(readableTerm("above xnumx ms")).toBe("above <number> ms");
    expect(readableTerm("xurlx")).toBe("<link>");
    expect(readableTerm("timeout")).toBe("timeout");
  });
});

describe("trainClassifier on dated incidents", () => {
  const day = 86_400_000;
  const start = Date.UTC(2024, 0, 1);
  // 34 older rows where network words mean "network", then 6 newer ones where they mean
  // "hardware" (a relabelling over time). Passed newest-last-but-shuffled, so only the dates say
  // which rows are newest.
  const older = toy.slice(0, 34).map((e, i) => ({ ...e, createdAt: new Date(start + i * day) }));
  const newer = network.map((t, i) => ({ title: `${t} recent`, label: "hardware", createdAt: new Date(start + (40 + i) * day) }));
  const dated = [...newer.slice(0, 3), ...older, ...newer.slice(3)];

  it("validates on the newest rows by creation date when every example has one", async () => {
    const clf = await trainClassifier(dated, { seed: 6, refitOnAll: false });
    // The six relabelled rows are the newest 15 %: all of validation, and the model learnt from
    // the older rows calls them "network", so validation accuracy is 0.
    expect(clf.validation.validation_newest).toBe(1);
    expect(clf.validation.n_validation).toBe(6);
    expect(clf.validation.accuracy).toBe(0);
    // A stratified split of the same rows holds out mostly older rows, which it gets right.
    const random = await trainClassifier(dated, { seed: 6, refitOnAll: false, validationOrder: "stratified" });
    expect(random.validation.validation_newest).toBe(0);
    expect(random.validation.accuracy).toBeGreaterThan(0.5);
    // One undated example: the time order is unknown, so the split is stratified.
    const oneUndated = await trainClassifier([...dated.slice(1), { ...dated[0], createdAt: null }], { seed: 6, refitOnAll: false });
    expect(oneUndated.validation.validation_newest).toBe(0);
  });

  it("keeps a class that exists only in the newest rows in training (stratified fallback)", async () => {
    // A team set up lately: its 6 incidents are the newest 15 %, so a newest split would train on none of them.
    const newTeam = network.map((t, i) => ({ title: `${t} storage array`, label: "storage", createdAt: new Date(start + (40 + i) * day) }));
    const clf = await trainClassifier([...older, ...newTeam], { seed: 6, refitOnAll: false });
    expect(clf.validation.validation_newest).toBe(0);
    expect(clf.labels).toContain("storage");
    expect(clf.predict({ title: "packet loss on switch storage array" }, { explain: false }).topLabel).toBe("storage");
  });

  it("lets recent examples outweigh many older ones under a short recency half-life", async () => {
    // 24 older rows say VPN and DNS trouble is "network"; 12 rows 60 days later say "hardware".
    const old = [0, 1, 2, 3].flatMap((rep) => network.map((t, i) => ({ title: `${t} ${rep}`, label: "network", createdAt: new Date(start + (rep * 6 + i) * day) })));
    const recent = [0, 1].flatMap((rep) => network.map((t, i) => ({ title: `${t} ${rep}`, label: "hardware", createdAt: new Date(start + (60 + rep * 6 + i) * day) })));
    const rows = [...old, ...recent];
    const query = { title: "vpn tunnel down and dns resolution failing" };
    const plain = await trainClassifier(rows, { seed: 7 });
    expect(plain.predict(query, { explain: false }).topLabel).toBe("network");
    const recencyWeighted = await trainClassifier(rows, { seed: 7, recencyHalfLifeDays: 5 });
    expect(recencyWeighted.validation.recency_half_life_days).toBe(5);
    expect(recencyWeighted.predict(query, { explain: false }).topLabel).toBe("hardware");
  });
});
