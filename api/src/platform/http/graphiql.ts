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

/** GraphiQL with its scripts inlined from the npm package: it works with no internet access. */
export function graphiqlPage(): string {
  cached ??= renderGraphiQL({
    title: "Quell GraphQL IDE",
    endpoint: "/graphql",
    defaultQuery: DEFAULT_QUERY,
    subscriptionsProtocol: "WS",
    headerEditorEnabled: true,
  } as Parameters<typeof renderGraphiQL>[0]);
  return cached;
}
