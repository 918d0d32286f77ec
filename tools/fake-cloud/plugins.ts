/**
 * Installs the fake providers into a PULUMI_HOME as ordinary plugins:
 * `<home>/plugins/resource-<pkg>-v<version>/pulumi-resource-<pkg>`, the version being the one the
 * project's SDK package asks for. The engine then finds them in its plugin cache
 * (sdk/go/common/workspace/plugins.go, getPluginInfoAndPath), without the "using ... from $PATH"
 * warning an ambient plugin gets, and never tries to download a real one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stage/stack-files";
import { PACKAGES, sdkVersionOf } from "./serve";

export interface InstalledPlugin {
  pkg: string;
  version: string;
  executable: string;
}

export function installFakePlugins(pulumiHome: string, root = PROJECT_ROOT): InstalledPlugin[] {
  return PACKAGES.map((pkg) => {
    const version = sdkVersionOf(pkg);
    const dir = path.join(pulumiHome, "plugins", `resource-${pkg}-v${version}`);
    fs.mkdirSync(dir, { recursive: true });
    const executable = path.join(dir, `pulumi-resource-${pkg}`);
    // ts-node with SWC loads the TypeScript source in a few hundred milliseconds, untyped:
    // type-checking is `npm test`'s job.
    const script = [
      "#!/bin/sh",
      `# multistage's fake ${pkg} provider (tools/fake-cloud) for the engine suite; not a real provider.`,
      `TS_NODE_SWC=true TS_NODE_PROJECT=${quote(path.join(root, "tsconfig.json"))} exec node \\`,
      `  --require ${quote(path.join(root, "node_modules", "ts-node", "register", "transpile-only"))} \\`,
      `  ${quote(path.join(root, "tools", "fake-cloud", "serve.ts"))} ${pkg} "$@"`,
      "",
    ].join("\n");
    fs.writeFileSync(executable, script, { mode: 0o755 });
    return { pkg, version, executable };
  });
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
