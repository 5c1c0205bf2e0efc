"use client";

import { createClient, type Client } from "graphql-ws";
import type { TypedDocument } from "../graphql/generated";
import { ApiError, type ApiErrorShape } from "./errors";

const TOKEN_KEY = "quell.token";
const USER_KEY = "quell.user";

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: string;
}

export function readSession(): { token: string; user: SessionUser } | null {
  if (typeof window === "undefined") return null;
  const token = window.localStorage.getItem(TOKEN_KEY);
  const user = window.localStorage.getItem(USER_KEY);
  if (!token || !user) return null;
  try {
    return { token, user: JSON.parse(user) as SessionUser };
  } catch {
    return null;
  }
}

export function writeSession(token: string, user: SessionUser): void {
  window.localStorage.setItem(TOKEN_KEY, token);
  window.localStorage.setItem(USER_KEY, JSON.stringify(user));
  resetSubscriptions();
}

export function clearSession(): void {
  window.localStorage.removeItem(TOKEN_KEY);
  window.localStorage.removeItem(USER_KEY);
  resetSubscriptions();
}

/** Pages react to this (redirect to /login) when the API says the token is no longer good. */
export const SESSION_EXPIRED_EVENT = "quell:session-expired";

/** Sends one operation through the same-origin proxy (/api/graphql). */
export async function gql<R, V>(document: TypedDocument<R, V>, variables: V, init?: { signal?: AbortSignal }): Promise<R> {
  const token = readSession()?.token;
  const res = await fetch("/api/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: document, variables }),
    signal: init?.signal,
  });
  let body: { data?: R | null; errors?: ApiErrorShape[] };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new ApiError([{ message: `The API answered ${res.status} ${res.statusText} without a GraphQL body.` }]);
  }
  if (body.errors && body.errors.length > 0) {
    const err = new ApiError(body.errors);
    // Only a token the API no longer accepts ends the session; a failed login is just an error.
    if (err.code === "UNAUTHENTICATED" && token) window.dispatchEvent(new Event(SESSION_EXPIRED_EVENT));
    throw err;
  }
  if (!body.data) throw new ApiError([{ message: `The API answered ${res.status} with no data.` }]);
  return body.data;
}

let wsClient: Client | null = null;
let wsUrl: string | null = null;
let wsConnected = false;

/** Set once from the server-rendered layout, which reads NEXT_PUBLIC_QUELL_API_URL at run time. */
export function configureSubscriptions(url: string): void {
  if (url === wsUrl) return;
  wsUrl = url;
  resetSubscriptions();
}

function resetSubscriptions(): void {
  wsClient?.dispose();
  wsClient = null;
  wsConnected = false;
}

function subscriptionClient(): Client | null {
  if (!wsUrl) return null;
  if (!wsClient) {
    wsClient = createClient({
      url: wsUrl,
      lazy: true,
      retryAttempts: Infinity,
      shouldRetry: () => true,
      connectionParams: () => {
        const token = readSession()?.token;
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    });
    wsClient.on("connected", () => {
      wsConnected = true;
    });
    wsClient.on("closed", () => {
      wsConnected = false;
    });
  }
  return wsClient;
}

/** Subscribes over graphql-ws; returns the function that stops it. */
export function subscribe<R, V>(
  document: TypedDocument<R, V>,
  variables: V,
  onData: (data: R) => void,
  onState?: (connected: boolean) => void,
): () => void {
  const client = subscriptionClient();
  if (!client) return () => undefined;
  const offConnected = client.on("connected", () => onState?.(true));
  const offClosed = client.on("closed", () => onState?.(false));
  onState?.(wsConnected);
  const stop = client.subscribe<R>(
    { query: document, variables: variables as Record<string, unknown> },
    {
      next: (msg) => {
        if (msg.data) onData(msg.data);
      },
      error: () => onState?.(false),
      complete: () => undefined,
    },
  );
  return () => {
    stop();
    offConnected();
    offClosed();
  };
}
