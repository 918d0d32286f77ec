// Entry point: one stack = one stage. The config is validated, then everything the stage reads
// from other stacks is resolved, all before any resource of the stage's own is registered.
import { Environment } from "./components/environment";
import { loadStage } from "./stage/pulumi-config";
import { stageProvider } from "./stage/provider";
import { resolveStageReferences } from "./stage/references";

// A fixed logical name keeps resources comparable across stacks (stagectl diff).
const NAME = "env";

export = async () => {
  const stage = loadStage(__dirname);
  const { provider, assumedRoleArn } = await stageProvider(NAME, stage);
  const references = await resolveStageReferences(stage, NAME, provider);
  return new Environment(NAME, { stage, references, provider, assumedRoleArn }).outputs;
};
