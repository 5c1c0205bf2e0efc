import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

/** What one operation over graphql-ws ended with: a result, errors, or the socket closing. */
export interface WsOutcome {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
  closeCode?: number;
  closeReason?: string;
}

export function wsClient(httpUrl: string, token?: string): Client {
  return createClient({
    url: httpUrl.replace("http", "ws") + "/graphql",
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

/** Runs a query or mutation (or a subscription's first answer) over a client; never rejects. */
export function wsRun(client: Client, query: string, variables?: Record<string, unknown>): Promise<WsOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: WsOutcome) => {
      if (settled) return;
      settled = true;
      dispose();
      resolve(outcome);
    };
    const dispose = client.subscribe(
      { query, variables },
      {
        next: (value) => done({ data: value.data as Record<string, any> | null, errors: value.errors as WsOutcome["errors"] }),
        error: (err) => {
          if (Array.isArray(err)) done({ errors: err as WsOutcome["errors"] });
          else if (err && typeof (err as { code?: unknown }).code === "number") done({ closeCode: (err as { code: number }).code, closeReason: (err as { reason?: string }).reason });
          else done({ errors: [{ message: String(err) }] });
        },
        complete: () => done({}),
      },
    );
  });
}

/** One operation on a fresh connection, closed afterwards. */
export async function wsOnce(httpUrl: string, query: string, variables?: Record<string, unknown>, token?: string): Promise<WsOutcome> {
  const client = wsClient(httpUrl, token);
  try {
    return await wsRun(client, query, variables);
  } finally {
    await client.dispose();
  }
}

export const wsCodeOf = (outcome: WsOutcome) => outcome.errors?.[0]?.extensions?.code as string | undefined;
