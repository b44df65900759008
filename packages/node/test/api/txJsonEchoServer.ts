import Fastify, { type FastifyError } from "fastify";
import { ApiError } from "../../src/api/apiError.ts";
import { signedTxFromJson, signedTxToJson, type TxJson, txJsonSchema } from "../../src/api/txJson.ts";

/**
 * A fastify app that validates a posted tx against `txJsonSchema`, reads it and answers its JSON again: how the API
 * sees a JSON tx, without a node. Errors answer as the API does (`ApiError` status and code; schema errors 400).
 */
export function txJsonEchoServer() {
  const app = Fastify();
  app.setErrorHandler((error: FastifyError, _req, reply) => {
    if (error instanceof ApiError)
      return reply.code(error.status).send({ code: error.code, message: error.message });
    return reply.code(400).send({ code: "API_ERROR_VALIDATION", message: error.message });
  });
  app.post("/tx", { schema: { body: txJsonSchema } }, async (req) =>
    signedTxToJson(signedTxFromJson(req.body as TxJson)),
  );
  return {
    post: (payload: unknown) => app.inject({ method: "POST", url: "/tx", payload: payload as object }),
    close: () => app.close(),
  };
}
