/** Where the API listens when nothing says otherwise (the embedded default of `npm start`). */
export const DEFAULT_API_URL = "http://127.0.0.1:4000";

/**
 * The API's base URL, read on the server at request time. The name is looked up dynamically so
 * the bundler does not inline the value seen at build time: one build serves any deployment.
 */
export function apiUrlFromEnv(env: Record<string, string | undefined> = process.env): string {
  const name = "NEXT_PUBLIC_QUELL_API_URL";
  const raw = env[name]?.trim();
  return (raw && raw.length > 0 ? raw : DEFAULT_API_URL).replace(/\/+$/, "");
}

/** The graphql-ws endpoint for an API base URL (http → ws, https → wss). */
export function websocketUrl(apiUrl: string): string {
  return `${apiUrl.replace(/^http/, "ws")}/graphql`;
}
