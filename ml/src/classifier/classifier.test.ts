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

describe("readableTerm", () => {
  it("shows the normaliser's stand-ins as what they stand for", async () => {
    const { readableTerm } = await import("./predict");
    expect(readableTerm("xnumx")).toBe("<number>");
    expect(readableTerm("above xnumx ms")).toBe("above <number> ms");
    expect(readableTerm("xurlx")).toBe("<link>");
    expect(readableTerm("timeout")).toBe("timeout");
  });
});
