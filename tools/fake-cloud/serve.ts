/**
 * Entry point of a fake provider plugin: `node serve.ts <aws|random|docker> <engine address>`,
 * started by the engine through the `pulumi-resource-<name>` script plugins.ts installs.
 *
 * It serves a RecordingProvider with the SDK's provider API (`main` from
 * @pulumi/pulumi/provider). That server leaves two things out which a cloud provider needs, so
 * they are added to the gRPC service it registers, before it registers it:
 *   - Configure: the SDK's server acknowledges it but drops the provider's configuration
 *     (@pulumi/pulumi/provider/server.js, `configure`); the fake AWS needs its region, assumed
 *     role and default tags, and must fail where the real provider fails (a role it may not assume).
 *   - old inputs: Diff and Update hand the Provider interface the old outputs only; the request's
 *     old_inputs are kept for the call (request-context.ts), as the real bridge diffs inputs.
 */
import * as grpc from "@grpc/grpc-js";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "@pulumi/pulumi/provider";
import { AwsConfig, AwsModel, parseAwsConfig } from "./aws-model";
import { DockerModel } from "./docker-model";
import { RandomModel } from "./random-model";
import { CloudModel, RecordingProvider } from "./recording-provider";
import { rememberOldInputs } from "./request-context";
import type { Props } from "./values";

// The service definition the SDK's server registers under (the same module instance it loads).

const providerService = require("@pulumi/pulumi/proto/provider_grpc_pb").ResourceProviderService;

type Callback = (error: unknown, value?: unknown) => void;
type Handler = (call: { request: RequestLike }, callback: Callback) => unknown;
interface StructLike {
  toJavaScript(): Props;
}
interface RequestLike {
  getUrn?(): string;
  getArgs?(): StructLike | undefined;
  getVariablesMap?(): { entries(): IterableIterator<[string, string]> };
  getOldInputs?(): StructLike | undefined;
}

export const PACKAGES = ["aws", "random", "docker"] as const;
export type FakePackage = (typeof PACKAGES)[number];

/** The provider version the project's SDK asks for (the engine loads the plugin by it). */
export function sdkVersionOf(pkg: FakePackage): string {
  const file = require.resolve(`@pulumi/${pkg}/package.json`);
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
}

function serve(pkg: FakePackage, args: string[]): void {
  let awsConfig: AwsConfig | undefined;
  const models: Record<FakePackage, () => CloudModel> = {
    aws: () => {
      if (!awsConfig) throw new Error("the fake aws provider was used before Configure");
      return new AwsModel(awsConfig);
    },
    random: () => new RandomModel(),
    docker: () => new DockerModel(),
  };

  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, implementation) {
    if (service !== providerService) return addService.call(this, service, implementation);
    const base = implementation as unknown as Record<string, Handler>;
    const wrapped = Object.create(base) as Record<string, Handler>;
    wrapped.configure = (call, callback) => {
      if (pkg === "aws") {
        try {
          awsConfig = parseAwsConfig(configArgs(call.request));
        } catch (error) {
          callback({ code: grpc.status.INVALID_ARGUMENT, details: (error as Error).message });
          return;
        }
      }
      base.configure.call(wrapped, call, callback);
    };
    for (const method of ["diff", "update"]) {
      wrapped[method] = (call, callback) => {
        rememberOldInputs(
          call.request.getUrn?.() ?? "",
          call.request.getOldInputs?.()?.toJavaScript(),
        );
        return base[method].call(wrapped, call, callback);
      };
    }
    return addService.call(this, service, wrapped as unknown as grpc.UntypedServiceImplementation);
  };

  void main(new RecordingProvider(sdkVersionOf(pkg), models[pkg]), args);
}

/** Configure's typed arguments, or the legacy `<pkg>:config:<key>` variables when there are none. */
function configArgs(request: RequestLike): Props {
  const args = request.getArgs?.()?.toJavaScript();
  if (args && Object.keys(args).length > 0) return args;
  const variables: Props = {};
  for (const [key, value] of request.getVariablesMap?.()?.entries() ?? [])
    variables[key.split(":").pop() ?? key] = value;
  return variables;
}

if (require.main === module) {
  const pkg = process.argv[2] as FakePackage;
  if (!PACKAGES.includes(pkg)) {
    process.stderr.write(
      `usage: ${path.basename(process.argv[1])} <${PACKAGES.join("|")}> [engine address]\n`,
    );
    process.exit(2);
  }
  serve(pkg, process.argv.slice(3));
}
