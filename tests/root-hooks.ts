import { stopServices } from "../tools/local/services";
import { stopProduction } from "./refinery/fixture";

/** Mocha root hooks: stop the real services once every test has run. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await Promise.all([stopServices(), stopProduction()]);
  },
};
