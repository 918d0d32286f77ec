/** The feature host the provisioner's tests run against, one per test file (tools/local/feature-host.ts, which the benchmark shares). */
export {
  ADMIN_PASSWORD,
  ADMIN_USER,
  FeatureHost,
  TEMPLATE,
  type Ran,
} from "../../tools/local/feature-host";
