import { apiUrlFromEnv } from "@/lib/config";

/**
 * Same-origin proxy to the API's GraphQL endpoint, so the browser needs no CORS and the API URL
 * is configured on the server at run time. Only the body and the Authorization header pass.
 */
export async function POST(request: Request): Promise<Response> {
  const target = `${apiUrlFromEnv()}/graphql`;
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  const auth = request.headers.get("authorization");
  if (auth) headers.authorization = auth;
  try {
    const upstream = await fetch(target, { method: "POST", headers, body: await request.text(), cache: "no-store" });
    return new Response(upstream.body, {
      status: upstream.status,
      headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
    });
  } catch {
    return Response.json(
      { errors: [{ message: `The Quell API at ${apiUrlFromEnv()} cannot be reached.`, extensions: { code: "API_UNREACHABLE" } }] },
      { status: 502 },
    );
  }
}
