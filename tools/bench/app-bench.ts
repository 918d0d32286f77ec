/**
 * `npm run bench:app`: requests per second and p99 latency of /healthz and /readyz, 10 s
 * each with autocannon, against the app as its own process on loopback, backed by the real
 * local PostgreSQL, Redis and S3 services. Figures, not assertions.
 */
import autocannon from "autocannon";
import { startAppProcess } from "../local/app-process";
import { services, stopServices } from "../local/services";

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = 10;

async function main(): Promise<void> {
  const running = await services();
  const app = startAppProcess(running.appEnv());
  try {
    const port = await Promise.race([
      app.port,
      app.exited.then(() => Promise.reject(new Error(app.lines.join("\n")))),
    ]);
    process.stdout.write(
      `path       req/s     p50 ms  p99 ms  errors/non-2xx   (${DURATION_S} s, ${CONNECTIONS} connections)\n`,
    );
    for (const path of ["/healthz", "/readyz"]) {
      const result = await autocannon({
        url: `http://127.0.0.1:${port}${path}`,
        duration: DURATION_S,
        connections: CONNECTIONS,
      });
      process.stdout.write(
        `${path.padEnd(10)} ${result.requests.average.toFixed(0).padStart(6)} ${result.latency.p50.toFixed(1).padStart(9)} ${result.latency.p99.toFixed(1).padStart(7)}  ${result.errors}/${result.non2xx}\n`,
      );
    }
  } finally {
    app.child.kill("SIGTERM");
    await app.exited;
    await stopServices();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
