import { describe, expect, it } from "vitest";
import { effectiveTokenRole, Role } from "./roles";

describe("effectiveTokenRole", () => {
  it("keeps the token's role while its creator is an admin or has the same role", () => {
    for (const role of Object.values(Role)) {
      expect(effectiveTokenRole(role, Role.admin)).toBe(role);
      expect(effectiveTokenRole(role, role)).toBe(role);
    }
  });

  it("never goes above the creator's current role", () => {
    expect(effectiveTokenRole(Role.admin, Role.agent)).toBe(Role.agent);
    expect(effectiveTokenRole(Role.admin, Role.analyst)).toBe(Role.analyst);
    expect(effectiveTokenRole(Role.change_manager, Role.agent)).toBe(Role.agent);
    expect(effectiveTokenRole(Role.agent, Role.analyst)).toBe(Role.analyst);
  });

  it("keeps a lower token role under a higher creator", () => {
    expect(effectiveTokenRole(Role.analyst, Role.agent)).toBe(Role.analyst);
    expect(effectiveTokenRole(Role.agent, Role.problem_manager)).toBe(Role.agent);
  });

  it("gives the common part (agent) where neither role contains the other", () => {
    expect(effectiveTokenRole(Role.change_manager, Role.problem_manager)).toBe(Role.agent);
    expect(effectiveTokenRole(Role.problem_manager, Role.change_manager)).toBe(Role.agent);
  });
});
