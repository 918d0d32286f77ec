/** The HTTP surface: stage page, liveness, readiness and version. */
import Fastify, { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { AppConfig } from "./config";
import { HEALTH_PATH, READY_PATH } from "./contract";
import type { Dependencies } from "./dependencies";
import { homePage } from "./page";
import { checkReadiness } from "./readiness";

/** Set by the shutdown path; responses then ask clients to close their connection. */
export interface DrainState {
  draining: boolean;
}

export function buildApp(
  config: AppConfig,
  dependencies: Dependencies,
  logger: Logger,
  drain: DrainState = { draining: false },
): FastifyInstance {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger });

  // A keep-alive connection would hold the server open after its last response; while
  // draining, every response closes its connection so shutdown can finish.
  app.addHook("onSend", async (_request, reply, payload) => {
    if (drain.draining) reply.header("connection", "close");
    return payload;
  });

  app.get("/", async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(homePage(config.APP_STAGE, config.APP_STAGE_KIND)),
  );

  // Liveness only: answering at all is the test. Dependencies belong to /readyz.
  app.get(HEALTH_PATH, async () => ({ status: "ok" }));

  // The body says which dependency failed and a category why; hosts, ports and the driver's
  // message stay in the log line (anyone who reaches the load balancer reads the body).
  app.get(READY_PATH, async (request, reply) => {
    const readiness = await checkReadiness(
      dependencies.checks,
      config.READY_TIMEOUT_MS,
      ({ dependency, target, reason, error }) =>
        request.log.warn(
          { dependency, target, reason, err: error },
          `readiness: ${dependency} (${target}) ${reason}`,
        ),
    );
    return reply.code(readiness.ok ? 200 : 503).send({ stage: config.APP_STAGE, ...readiness });
  });

  // Digest and commit identify the build; the full image reference names the AWS account
  // (<account>.dkr.ecr.<region>...), so it is logged at start-up (server.ts), never served.
  app.get("/version", async () => ({
    stage: config.APP_STAGE,
    stageKind: config.APP_STAGE_KIND,
    digest: imageDigest(config.APP_IMAGE),
    commit: config.GIT_COMMIT,
  }));

  if (config.APP_ENABLE_DRILL_ROUTES) {
    // Holds a request open so shutdown drills can prove in-flight requests finish.
    app.get<{ Params: { ms: string } }>("/drill/sleep/:ms", async (request) => {
      const ms = Math.min(Number(request.params.ms) || 0, 20_000);
      await new Promise((resolve) => setTimeout(resolve, ms));
      return { sleptMs: ms };
    });
  }
  return app;
}

/** `sha256:<hex>` of a digest-pinned reference; null for a tag (a development build). */
export function imageDigest(image: string): string | null {
  return /@(sha256:[a-f0-9]{64})$/.exec(image)?.[1] ?? null;
}
