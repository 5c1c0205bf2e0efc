import { describe, expect, it } from "vitest";
import { isInternalAddress, signatureHeader, slackMessage, urlProblem, verifySignature } from "./notification.rules";

describe("webhook signatures", () => {
  const body = JSON.stringify({ event: "incident.create", data: { id: "x" } });
  const now = 1_800_000_000;

  it("verifies a signature made with the same secret over the same body", () => {
    expect(verifySignature("whsec_a", body, signatureHeader("whsec_a", body, now), now + 10)).toBe(true);
  });

  it("refuses another secret, a changed body and a stale timestamp", () => {
    const header = signatureHeader("whsec_a", body, now);
    expect(verifySignature("whsec_b", body, header, now)).toBe(false);
    expect(verifySignature("whsec_a", body.replace("x", "y"), header, now)).toBe(false);
    expect(verifySignature("whsec_a", body, header, now + 301)).toBe(false);
    expect(verifySignature("whsec_a", body, "garbage", now)).toBe(false);
  });
});

describe("webhook targets", () => {
  it("accepts only http and https URLs without credentials", () => {
    expect(urlProblem("https://hooks.example.com/x")).toBeNull();
    expect(urlProblem("file:///etc/passwd")).toMatch(/http or https/);
    expect(urlProblem("gopher://example.com")).toMatch(/http or https/);
    expect(urlProblem("https://user:pw@example.com")).toMatch(/credentials/);
    expect(urlProblem("not a url")).toMatch(/not a URL/);
  });

  it("treats loopback, private, link-local, CGNAT and mapped addresses as internal", () => {
    for (const a of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "0.0.0.0"]) {
      expect(isInternalAddress(a), a).toBe(true);
    }
    for (const a of ["93.184.216.34", "2606:4700::1111"]) expect(isInternalAddress(a), a).toBe(false);
  });
});

describe("Slack messages", () => {
  it("carries a fallback text and escapes Slack's control characters", () => {
    const m = slackMessage({ id: "1", event: "incident.create", occurredAt: "", data: { key: "INC-000001", title: "a <b> & c", stage: "identified", priority: 2 } }, "https://quell.example/incidents/INC-000001");
    expect(m.text).toBe("incident.create: INC-000001 a <b> & c");
    expect(JSON.stringify(m.blocks)).toContain("a &lt;b&gt; &amp; c");
    expect(JSON.stringify(m.blocks)).toContain("<https://quell.example/incidents/INC-000001|");
  });
});
