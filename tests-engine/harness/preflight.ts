import { readManifest } from "../../tools/engine-cli/manifest";

/** Mocha root hooks: say at once which CLI runs the suite, or that none is installed yet. */
export const mochaHooks = {
  beforeAll(): void {
    const manifest = readManifest();
    process.stderr.write(
      `engine suite: pulumi v${manifest.version} (${manifest.pulumi}, ${manifest.source === "built" ? "built from Go modules" : "from PATH"}, language host: ${manifest.languageHost})\n`,
    );
  },
};
