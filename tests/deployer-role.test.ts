import { strict as assert } from "node:assert";
import { renderStack } from "../tools/render/harness";
import { named, ofType, shippedRender, TYPES } from "./helpers/renders";

describe("each stack deploys through its stage's role", () => {
  for (const stack of ["staging", "production"]) {
    it(`${stack}: the AWS provider assumes the ${stack} deployer role and every role carries the boundary`, async () => {
      const { resources, warnings } = await shippedRender(stack);
      const provider = named(resources, "env-aws");
      assert.deepEqual(provider.inputs.assumeRoles, [
        {
          roleArn: `arn:aws:iam::123456789012:role/multistage-access-${stack}-deployer`,
          sessionName: `multistage-${stack}`,
        },
      ]);
      const roles = ofType(resources, TYPES.role);
      assert.ok(roles.length >= 2);
      for (const role of roles)
        assert.equal(
          role.inputs.permissionsBoundary,
          `arn:aws:iam::123456789012:policy/multistage-access-${stack}-boundary`,
          role.name,
        );
      assert.deepEqual(
        warnings.filter((w) => /deployer|credentials/.test(w)),
        [],
        "no warning about the role",
      );
    });
  }

  for (const role of ["deployer", "reviewer"]) {
    it(`a caller that already is production's ${role} is not made to assume the deployer again`, async () => {
      const callerArn = `arn:aws:sts::123456789012:assumed-role/multistage-access-production-${role}/GitHubActions`;
      const { resources } = await renderStack("production", { callerArn });
      assert.equal(named(resources, "env-aws").inputs.assumeRoles, undefined);
    });
  }

  it("a caller that is another stage's deployer still assumes production's (and is refused by its trust)", async () => {
    const { resources } = await renderStack("production", {
      callerArn: "arn:aws:sts::123456789012:assumed-role/multistage-access-staging-deployer/x",
    });
    assert.equal(
      (named(resources, "env-aws").inputs.assumeRoles as Array<{ roleArn: string }>)[0].roleArn,
      "arn:aws:iam::123456789012:role/multistage-access-production-deployer",
    );
  });

  it("development without a role warns and deploys with the caller's credentials", async () => {
    const { resources, warnings } = await renderStack("development");
    assert.equal(named(resources, "env-aws").inputs.assumeRoles, undefined);
    assert.ok(
      warnings.some((w) => /development has no multistage:access.deployerRoleArn/.test(w)),
      warnings.join("\n"),
    );
  });
});
