/**
 * Sets a new image in the target's config for the length of one update, and puts the old value
 * back if the update fails: a digest that never deployed must not wait in the stack file for
 * the next `pulumi up` (or the workflow's pull request) to roll it out unreviewed.
 */
import { CONFIG_KEYS } from "../../stage/keys";
import type { ConfigEntry, StageWorkspace, UpdateResult } from "../engine/workspace";

/** The key a promotion sets: the stage model validates its value like any other. */
export const IMAGE_KEY = CONFIG_KEYS.image;

export async function withImageSet(
  workspace: StageWorkspace,
  stack: string,
  image: string,
  update: () => Promise<UpdateResult>,
  log: (text: string) => void,
): Promise<UpdateResult> {
  const previous: ConfigEntry | undefined = (await workspace.getAllConfig(stack))[IMAGE_KEY];
  await workspace.setAllConfig(stack, { [IMAGE_KEY]: { value: image } });
  try {
    return await update();
  } catch (error) {
    try {
      if (previous) await workspace.setAllConfig(stack, { [IMAGE_KEY]: previous });
      else await workspace.removeConfig(stack, IMAGE_KEY);
      log(`The update of ${stack} failed; ${IMAGE_KEY} in Pulumi.${stack}.yaml is back to ${previous ? previous.value : "unset"}\n`);
    } catch (restoreError) {
      // The update's error is the one to report; this one must still be seen, loudly.
      const why = restoreError instanceof Error ? restoreError.message : String(restoreError);
      log(`WARNING: could not restore ${IMAGE_KEY} in Pulumi.${stack}.yaml to ${previous ? previous.value : "unset"} (${why}); fix it before the next update\n`);
    }
    throw error;
  }
}
