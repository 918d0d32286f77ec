// The access project: deployed once by an account admin (cd access && pulumi up).
// Config and every IAM document are validated (IAM's size quotas included) before any resource.
import * as pulumi from "@pulumi/pulumi";
import { namespaceConfig } from "../stage/config-values";
import { AccessEnvironment } from "./access-environment";
import { ACCESS_PROJECT, resolveAccessConfig } from "./config";
import { accessDocuments } from "./documents";
import { CONFIG_KEYS } from "../stage/keys";

export = async () => {
  const all = pulumi.runtime.allConfig();
  const config = resolveAccessConfig(namespaceConfig(all, ACCESS_PROJECT));
  const region = all[CONFIG_KEYS.region] ?? "us-east-1";
  return new AccessEnvironment("access", config, region, accessDocuments(config, region)).outputs;
};
