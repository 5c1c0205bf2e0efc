import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../demo/demo.catalog";
import { MIN_PASSWORD_LENGTH, passwordWeakness } from "./password.rules";

describe("passwordWeakness", () => {
  it.each(["password1234", "qwertyuiop123", "111111111111", "iloveyou2024!", "Password2024!"])("refuses the common or patterned password %s", (password) => {
    expect(passwordWeakness(password)).toMatch(/too easy to guess/);
  });

  it("refuses a password shorter than the minimum, naming the length", () => {
    expect(passwordWeakness("Xk#9vL!2q")).toBe(`must be at least ${MIN_PASSWORD_LENGTH} characters (it has 9)`);
  });

  it("refuses a password that is the user's own email", () => {
    expect(passwordWeakness("margaret.thatcher@example.org", ["Margaret Thatcher", "margaret.thatcher@example.org"])).toMatch(/too easy to guess/);
  });

  it.each(["plum-orbit-galley-7-tundra", "violet-quarry-harbour-41", DEMO_PASSWORD])("accepts the strong passphrase %s", (password) => {
    expect(passwordWeakness(password)).toBeNull();
  });
});
