/**
 * Minimal app: answers its health path and a page that states its stage. Configuration comes
 * only from the environment the stack injects (see contract.ts).
 */
import { createServer, Server } from "node:http";
import { HEALTH_PATH } from "./contract";

export function createApp(stage: string): Server {
  return createServer((request, response) => {
    if (request.url === HEALTH_PATH) {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (request.url === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><title>${stage}</title><h1>Stage: ${stage}</h1>`);
      return;
    }
    response.writeHead(404).end();
  });
}

if (require.main === module) {
  const stage = process.env.APP_STAGE;
  if (!stage) {
    process.stderr.write("APP_STAGE is not set; the stack sets it to the stage name\n");
    process.exit(1);
  }
  const port = Number(process.env.PORT ?? 8080);
  const server = createApp(stage).listen(port, () => process.stdout.write(`listening on ${port} as ${stage}\n`));
  process.on("SIGTERM", () => server.close(() => process.exit(0)));
}
