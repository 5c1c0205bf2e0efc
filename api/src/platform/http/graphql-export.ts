import type { Request, Response } from "express";
import { execute, parse, validate, type GraphQLError, type GraphQLSchema } from "graphql";
import type { QuellContext } from "../graphql/context";
import { formatError } from "../graphql/errors";

/**
 * A GET download (CSV, ...) that is one GraphQL operation underneath: the request's query string
 * becomes the operation's variables and the operation runs against the live schema with the
 * caller's context, so authentication, the operation's @Allow rule, input validation and errors
 * are exactly those of the GraphQL endpoint.
 */
export interface GraphQLExport {
  path: string;
  document: string;
  variables(query: Request["query"]): Record<string, unknown>;
  render(data: Record<string, unknown>): { contentType: string; filename: string; body: string };
}

const STATUS_BY_CODE: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  GRAPHQL_VALIDATION_FAILED: 400,
};

/** Errors go out as GraphQL would send them (the same formatError), with the HTTP status their code means. */
function refuse(res: Response, errors: readonly GraphQLError[]): void {
  const formatted = errors.map((e) => formatError(e.toJSON(), e));
  const status = STATUS_BY_CODE[String(formatted[0].extensions?.code)] ?? 500;
  res.status(status).json({ errors: formatted });
}

export function serveGraphQLExport(schema: GraphQLSchema, exp: GraphQLExport, contextFor: (req: Request) => Promise<QuellContext>) {
  const document = parse(exp.document);
  const invalid = validate(schema, document);
  if (invalid.length) throw new Error(`export ${exp.path}: ${invalid[0].message}`);
  return async (req: Request, res: Response): Promise<void> => {
    let context: QuellContext;
    try {
      context = await contextFor(req);
    } catch (err) {
      refuse(res, [err as GraphQLError]);
      return;
    }
    let variables: Record<string, unknown>;
    try {
      variables = exp.variables(req.query);
    } catch (err) {
      res.status(400).json({ errors: [{ message: (err as Error).message, extensions: { code: "BAD_USER_INPUT" } }] });
      return;
    }
    const result = await execute({ schema, document, variableValues: variables, contextValue: context });
    if (result.errors?.length && !("data" in result)) {
      // Variables that do not fit the operation's types: a request error, as on /graphql.
      res.status(400).json({ errors: result.errors.map((e) => ({ message: e.message, extensions: { code: "BAD_USER_INPUT" } })) });
      return;
    }
    if (result.errors?.length) {
      refuse(res, result.errors);
      return;
    }
    const out = exp.render(result.data as Record<string, unknown>);
    res.status(200).type(out.contentType).set("Content-Disposition", `attachment; filename="${out.filename}"`).send(out.body);
  };
}
