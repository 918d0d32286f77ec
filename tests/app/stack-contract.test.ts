import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { contractSchema } from "../../app/src/config";
import { HEALTH_PATH, STAGE_KINDS as APP_STAGE_KINDS } from "../../app/src/contract";
import { LOCAL_STAGE_KIND, STAGE_KINDS } from "../../stage/profile";
import { containerHealthProbe } from "../../components/app-service";
import { PROJECT_ROOT } from "../../stage/stack-files";
import { appContainer, LONG_LIVED_STACKS, onlyOfType, shippedRender } from "../helpers/renders";

interface Container {
  environment: Array<{ name: string; value: string }>;
  secrets: Array<{ name: string; valueFrom: string }>;
  healthCheck: { command: string[] };
  stopTimeout: number;
  portMappings: Array<{ containerPort: number }>;
}

describe("the stack and the app agree", () => {
  for (const stack of LONG_LIVED_STACKS) {
    it(`${stack}: the task definition passes exactly the variables and secrets the app's schema reads`, async () => {
      const { resources } = await shippedRender(stack);
      const container = appContainer<Container>(resources);
      const passed = [
        ...container.environment.map((e) => e.name),
        ...container.secrets.map((s) => s.name),
      ].sort();
      assert.deepEqual(passed, Object.keys(contractSchema.shape).sort());
      const plain = Object.fromEntries(container.environment.map((e) => [e.name, e.value]));
      // What the stack passes must also be valid for the app (secrets are injected by ECS).
      const parsed = contractSchema.safeParse({
        ...plain,
        DB_PASSWORD: "x".repeat(32),
        REDIS_TOKEN: "y".repeat(32),
      });
      assert.ok(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues));
    });

    it(`${stack}: task health check, target group and container port use the app's paths`, async () => {
      const { resources } = await shippedRender(stack);
      const container = appContainer<Container>(resources);
      assert.deepEqual(container.healthCheck.command.slice(0, 3), ["CMD", "node", "-e"]);
      assert.equal(
        container.healthCheck.command[3],
        containerHealthProbe(container.portMappings[0].containerPort),
      );
      assert.ok(container.healthCheck.command[3].includes(HEALTH_PATH));
      const targetGroup = onlyOfType(resources, "aws:lb/targetGroup:TargetGroup").inputs
        .healthCheck as { path: string };
      assert.equal(targetGroup.path, HEALTH_PATH);
      assert.equal(container.stopTimeout, 30);
    });
  }

  it("the app knows the same stage kinds as the stage model, plus the local one it never deploys", () => {
    assert.deepEqual([...APP_STAGE_KINDS], [...STAGE_KINDS, LOCAL_STAGE_KIND]);
  });

  it("the Dockerfile is multi-stage, production-only, non-root, and checks the same health path", () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, "app", "Dockerfile"), "utf8");
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2, "multi-stage");
    assert.match(dockerfile, /npm ci [^\n]*--omit=dev/);
    const user = /^USER (\S+)/m.exec(dockerfile);
    assert.ok(user && user[1] !== "root" && user[1] !== "0", "runs as a non-root user");
    const healthcheck = /^HEALTHCHECK[\s\S]*?CMD (.*)$/m.exec(dockerfile);
    assert.ok(
      healthcheck && healthcheck[1].includes(HEALTH_PATH),
      "HEALTHCHECK probes the health path",
    );
  });

  it("the image carries the commit it was built from: /version's GIT_COMMIT and the OCI revision label, which CI's build sets", () => {
    const dockerfile = fs.readFileSync(path.join(PROJECT_ROOT, "app", "Dockerfile"), "utf8");
    assert.match(dockerfile, /^ARG GIT_COMMIT=unknown$/m);
    assert.match(dockerfile, /^ENV GIT_COMMIT=\$GIT_COMMIT$/m);
    assert.match(dockerfile, /^LABEL org\.opencontainers\.image\.revision=\$GIT_COMMIT$/m);
    const workflow = fs.readFileSync(
      path.join(PROJECT_ROOT, ".github", "workflows", "feature-stack.yml"),
      "utf8",
    );
    assert.match(workflow, /docker build -f app\/Dockerfile --build-arg GIT_COMMIT="\$SHA" /);
  });
});
