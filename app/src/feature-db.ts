/**
 * The feature-database provisioner: `node app/dist/feature-db.js <command> ...` in the app
 * image, run as an ECS task inside development's VPC by the feature stacks' dynamic provider,
 * against the shared feature host. Commands and environment: contract.ts (FEATURE_DB_*);
 * exit codes: feature-db/failure.ts.
 */
import { runFeatureDbCommand } from "./feature-db/index";

if (require.main === module) {
  void runFeatureDbCommand(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}

export { runFeatureDbCommand };
