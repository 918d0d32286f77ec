import { strict as assert } from "node:assert";
import { renderToJson, renderToText } from "../tools/render/format";
import {
  LONG_LIVED_STACKS,
  onlyOfType,
  shippedRender,
  stageDatabase,
  TYPES,
} from "./helpers/renders";

describe("secrets in renders and outputs", () => {
  for (const stack of LONG_LIVED_STACKS) {
    it(`${stack}: no generated secret appears in its outputs, JSON render or text render`, async () => {
      const render = await shippedRender(stack);
      // The mocks hand out recognisable fake secrets (random passwords, registry tokens).
      assert.ok(render.generatedSecrets.length >= 2, "the stack generated secrets");
      const documents = [
        JSON.stringify(render.outputs),
        renderToJson(render),
        renderToText(render),
      ];
      for (const secret of render.generatedSecrets) {
        for (const document of documents)
          assert.ok(!document.includes(secret), `plaintext secret leaked in ${stack}`);
      }
    });

    it(`${stack}: secret inputs show as [secret]`, async () => {
      const { resources } = await shippedRender(stack);
      assert.equal(stageDatabase(resources).inputs.password, "[secret]");
      assert.equal(onlyOfType(resources, TYPES.cache).inputs.authToken, "[secret]");
      for (const version of resources.filter(
        (r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion",
      )) {
        assert.equal(version.inputs.secretString, "[secret]");
      }
    });
  }
});
