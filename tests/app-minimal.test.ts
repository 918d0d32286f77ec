import { strict as assert } from "node:assert";
import { AddressInfo } from "node:net";
import { createApp } from "../app/src/server";

describe("the app", () => {
  it("answers its health path and states its stage", async () => {
    const server = createApp("staging").listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      assert.match(page, /Stage: staging/);
      assert.equal((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
    } finally {
      server.close();
    }
  });
});
