// The access project: deployed once by an account admin (cd access && pulumi up).
// Validation happens before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { decodeConfigValue } from "../components/stage";
import { AccessEnvironment } from "./access-environment";
import { ACCESS_PROJECT, resolveAccessConfig } from "./config";

export = async () => {
  const all = pulumi.runtime.allConfig();
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(all)) {
    if (key.startsWith(`${ACCESS_PROJECT}:`)) raw[key.slice(ACCESS_PROJECT.length + 1)] = decodeConfigValue(value);
  }
  const config = resolveAccessConfig(raw);
  return new AccessEnvironment("access", config, all["aws:region"] ?? "us-east-1").outputs;
};
