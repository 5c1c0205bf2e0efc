import { renderGraphiQL } from "@graphql-yoga/render-graphiql";

const DEFAULT_QUERY = `# Quell GraphQL API. Log in first (the demo users are printed at start-up),
# then put the token in the Headers tab: {"Authorization": "Bearer <token>"}
mutation Login {
  login(input: { email: "agent@quell.local", password: "quell-demo-password" }) { token user { name role } }
}

query Queue {
  incidents(first: 10, filter: { stage: [identified, classified, assessed] }, sort: { field: priority, direction: ASC }) {
    totalCount
    edges { node { key title priority severity stage service { name } team { name } assignee { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
`;

let cached: string | undefined;
const MAX_PREFILL_CHARS = 20_000;

function render(query: string, variables?: string): string {
  return renderGraphiQL({
    title: "Quell GraphQL IDE",
    endpoint: "/graphql",
    defaultQuery: query,
    ...(variables !== undefined ? { defaultTabs: [{ query, variables }] } : {}),
    subscriptionsProtocol: "WS",
    headerEditorEnabled: true,
  } as Parameters<typeof renderGraphiQL>[0]);
}

/**
 * GraphiQL with its scripts inlined from the npm package: it works with no internet access.
 * `?query=…&variables=…` opens it with that operation (links from the web app's charts); the
 * options are written into an inline script, so text with `<` (or too long) is ignored, not embedded.
 */
export function graphiqlPage(prefill: { query?: unknown; variables?: unknown } = {}): string {
  const usable = (v: unknown): v is string => typeof v === "string" && v.length > 0 && v.length <= MAX_PREFILL_CHARS && !v.includes("<");
  if (usable(prefill.query)) return render(prefill.query, usable(prefill.variables) ? prefill.variables : undefined);
  cached ??= render(DEFAULT_QUERY);
  return cached;
}
