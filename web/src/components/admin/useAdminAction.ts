import { useState } from "react";
import { adminError } from "./adminErrors";

/**
 * Runs an admin write, shows its error in the admin's own words, and reloads the list either way
 * (a refused write may still mean the list changed under us).
 */
export function useAdminAction(reload: () => Promise<unknown>) {
  const [error, setError] = useState<string | null>(null);
  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(adminError(err));
    }
    await reload();
  };
  return { error, setError, act };
}
