// Entry point: one stack = one stage. Validation happens in loadStage(), before any resource.
import { Environment } from "./components/environment";
import { loadStage } from "./components/stage";

export = async () => {
  const stage = loadStage(__dirname);
  // A fixed logical name keeps resources comparable across stacks (stagectl diff).
  return new Environment("env", { stage }).outputs;
};
