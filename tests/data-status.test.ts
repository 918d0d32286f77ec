import { strict as assert } from "node:assert";
import type { RefineryObserver } from "../tools/data/refinery-observer";
import type { DataStatus } from "../tools/data/status";
import { runStagectl, stdoutJson, testContext } from "./helpers/context";
import { MemoryWorkspace } from "./helpers/memory-workspace";

const NOW = new Date("2026-11-26T10:00:00Z");
const ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:multistage-production-refinery";

function production(): MemoryWorkspace {
  return new MemoryWorkspace().addStack("production", {
    outputs: { refineryStateMachineArn: { value: ARN, secret: false } },
  });
}

/** A refinery as RDS and Step Functions would describe it. */
function refinery(
  snapshots: Array<[string, string]>,
  run?: { status: string; started: string; stopped?: string },
): RefineryObserver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    sanitizedSnapshots: async (sanitizer, prefix) => {
      asked.push(`${sanitizer} ${prefix}`);
      return snapshots.map(([identifier, at]) => ({
        identifier,
        createdAt: new Date(at),
        allocatedStorageGb: 50,
      }));
    },
    lastRun: async (arn) => {
      asked.push(arn);
      return run
        ? {
            name: "nightly-1",
            status: run.status,
            startedAt: new Date(run.started),
            ...(run.stopped ? { stoppedAt: new Date(run.stopped) } : {}),
          }
        : undefined;
    },
  };
}

describe("stagectl data status", () => {
  it("reports the newest sanitized snapshot, its age and the last run, and exits 0 when fresh", async () => {
    const observer = refinery(
      [
        ["multistage-sanitized-2026-11-25-03-00", "2026-11-25T04:00:00Z"],
        ["multistage-sanitized-2026-11-26-03-00", "2026-11-26T04:00:00Z"],
      ],
      { status: "SUCCEEDED", started: "2026-11-26T03:00:00Z", stopped: "2026-11-26T04:12:00Z" },
    );
    const context = await runStagectl(testContext(production(), NOW, observer), [
      "data",
      "status",
      "--json",
    ]);
    assert.equal(context.exitCode, 0, context.err.join(""));
    const status = stdoutJson<DataStatus>(context);
    assert.equal(status.newestSnapshot?.identifier, "multistage-sanitized-2026-11-26-03-00");
    assert.equal(status.newestSnapshot?.ageHours, 6);
    assert.deepEqual(status.lastRun, {
      name: "nightly-1",
      status: "SUCCEEDED",
      startedAt: "2026-11-26T03:00:00.000Z",
      durationMinutes: 72,
    });
    assert.deepEqual(observer.asked, [
      "multistage-production-sanitizer multistage-sanitized-",
      ARN,
    ]);
  });

  const stale: Array<
    [string, Array<[string, string]>, { status: string; started: string } | undefined, RegExp]
  > = [
    ["no snapshot yet", [], undefined, /no sanitized snapshot yet.*\n.*never run/s],
    [
      "a snapshot older than --max-age",
      [["multistage-sanitized-2026-11-20-03-00", "2026-11-20T04:00:00Z"]],
      { status: "SUCCEEDED", started: "2026-11-20T03:00:00Z" },
      /150 h old, older than --max-age/,
    ],
    [
      "a failed last run",
      [["multistage-sanitized-2026-11-26-03-00", "2026-11-26T04:00:00Z"]],
      { status: "FAILED", started: "2026-11-26T03:00:00Z" },
      /last run nightly-1 ended FAILED/,
    ],
  ];
  for (const [what, snapshots, run, message] of stale) {
    it(`exits 1 and says why: ${what}`, async () => {
      const context = await runStagectl(testContext(production(), NOW, refinery(snapshots, run)), [
        "data",
        "status",
      ]);
      assert.equal(context.exitCode, 1);
      assert.match(context.out.join(""), message);
    });
  }

  it("refuses, with one line, when production does not exist or predates the refinery", async () => {
    const none = await runStagectl(testContext(new MemoryWorkspace(), NOW), ["data", "status"]);
    assert.equal(none.exitCode, 1);
    assert.match(none.err.join(""), /The production stack does not exist/);
    const old = await runStagectl(testContext(new MemoryWorkspace().addStack("production"), NOW), [
      "data",
      "status",
    ]);
    assert.match(old.err.join(""), /production exports no refineryStateMachineArn/);
  });
});
