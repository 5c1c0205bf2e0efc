import { describe, expect, it } from "vitest";
import { REDACTED, redactSecrets, scrubSecretsInText } from "./logger";

describe("redactSecrets", () => {
  it("replaces values under secret-looking keys at any depth and in any letter case", () => {
    const out = redactSecrets({
      variables: { input: { email: "a@b.c", Password: "hunter2", nested: [{ newPASSWORD: "x1" }] } },
      headers: { Authorization: "Bearer abc.def", "x-api-key": "k", cookie: "s=1" },
      token: "qt_abc",
      clientSecret: "s3",
      operation: "login",
    });
    expect(out).toEqual({
      variables: { input: { email: "a@b.c", Password: REDACTED, nested: [{ newPASSWORD: REDACTED }] } },
      headers: { Authorization: REDACTED, "x-api-key": REDACTED, cookie: REDACTED },
      token: REDACTED,
      clientSecret: REDACTED,
      operation: "login",
    });
  });

  it("scrubs secrets quoted inside text, as graphql echoes variables in its messages", () => {
    const message = 'Variable "$i" got invalid value { email: "a@b.c", password: "hunter2", remember: true }; token=qt_abc; authorization: Bearer eyJ.x';
    const scrubbed = scrubSecretsInText(message);
    expect(scrubbed).not.toMatch(/hunter2|qt_abc|eyJ/);
    expect(scrubbed).toContain('email: "a@b.c"');
  });

  it("keeps an error's type, message and stack, scrubbed, and drops SQL parameters", () => {
    const err = Object.assign(new Error('login failed for password: "hunter2"'), { parameters: ["hunter2"], query: "SELECT 1" });
    const out = redactSecrets({ err }) as { err: Record<string, unknown> };
    expect(out.err.type).toBe("Error");
    expect(out.err.message).toBe(`login failed for password: "${REDACTED}"`);
    expect(out.err.parameters).toBe(REDACTED);
    expect(out.err.query).toBe("SELECT 1");
    expect(JSON.stringify(out)).not.toContain("hunter2");
  });

  it("survives cycles", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    expect(redactSecrets(a)).toEqual({ name: "a", self: "[Circular]" });
  });
});

describe("scrubSecretsInText", () => {
  it("hides argon2 hashes and the row PostgreSQL dumps when a constraint fails", () => {
    const detail = "Failing row contains (653da279, new@example.test, Probe, $argon2id$v=19$m=19456,t=2,p=1$rC7C9e13wXWyL/oTVGiHsg$F8oY+utly7..., agent).";
    expect(scrubSecretsInText(detail)).toBe(`Failing row contains (${REDACTED}).`);
    expect(scrubSecretsInText("hash $argon2id$v=19$m=1,t=2,p=1$abc$def here")).toBe(`hash ${REDACTED} here`);
  });
});
