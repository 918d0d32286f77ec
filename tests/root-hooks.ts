import { stopServices } from "../tools/local/services";

/** Mocha root hooks: stop the real services once every test has run. */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopServices();
  },
};
