// The access project: deployed once by an account admin (cd access && pulumi up).
// Validation happens before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { namespaceConfig } from "../components/config-values";
import { AccessEnvironment } from "./access-environment";
import { ACCESS_PROJECT, resolveAccessConfig } from "./config";

export = async () => {
  const all = pulumi.runtime.allConfig();
  const config = resolveAccessConfig(namespaceConfig(all, ACCESS_PROJECT));
  return new AccessEnvironment("access", config, all["aws:region"] ?? "us-east-1").outputs;
};
