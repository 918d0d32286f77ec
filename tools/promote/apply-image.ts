/**
 * Sets a new image (and the commit it was built from) in the target's config for the length of
 * one update, and puts the old values back if the update fails: a digest that never deployed
 * must not wait in the stack file for the next `pulumi up` (or the workflow's pull request) to
 * roll it out unreviewed.
 */
import { CONFIG_KEYS } from "../../stage/keys";
import type { ConfigEntry, StageWorkspace, UpdateResult } from "../engine/workspace";

/** The keys a promotion sets: the stage model validates their values like any other. */
export const IMAGE_KEY = CONFIG_KEYS.image;
/** The commit the image was built from; it travels with the image (stage/schema.ts). */
export const IMAGE_COMMIT_KEY = CONFIG_KEYS.imageCommit;

/** What promotion writes into the target's config: the image, and its commit when the source knows it. */
export interface PromotedImage {
  image: string;
  commit?: string;
}

/**
 * The target's config entries for a promoted image. The commit key is always decided: a source
 * that knows no commit leaves the target none, never an older image's commit.
 */
export function promotedEntries(promoted: PromotedImage): Record<string, ConfigEntry | undefined> {
  return {
    [IMAGE_KEY]: { value: promoted.image },
    [IMAGE_COMMIT_KEY]: promoted.commit === undefined ? undefined : { value: promoted.commit },
  };
}

export async function withImageSet(
  workspace: StageWorkspace,
  stack: string,
  promoted: PromotedImage,
  update: () => Promise<UpdateResult>,
  log: (text: string) => void,
): Promise<UpdateResult> {
  const config = await workspace.getAllConfig(stack);
  const previous: Record<string, ConfigEntry | undefined> = {
    [IMAGE_KEY]: config[IMAGE_KEY],
    [IMAGE_COMMIT_KEY]: config[IMAGE_COMMIT_KEY],
  };
  await writeEntries(workspace, stack, config, promotedEntries(promoted));
  try {
    return await update();
  } catch (error) {
    const was = previous[IMAGE_KEY]?.value ?? "unset";
    try {
      await writeEntries(workspace, stack, await workspace.getAllConfig(stack), previous);
      log(
        `The update of ${stack} failed; ${IMAGE_KEY} in Pulumi.${stack}.yaml is back to ${was}\n`,
      );
    } catch (restoreError) {
      // The update's error is the one to report; this one must still be seen, loudly.
      const why = restoreError instanceof Error ? restoreError.message : String(restoreError);
      log(
        `WARNING: could not restore ${IMAGE_KEY} in Pulumi.${stack}.yaml to ${was} (${why}); fix it before the next update\n`,
      );
    }
    throw error;
  }
}

/** Sets the entries that have a value and removes the keys that have none (only if present). */
async function writeEntries(
  workspace: StageWorkspace,
  stack: string,
  current: Record<string, ConfigEntry>,
  entries: Record<string, ConfigEntry | undefined>,
): Promise<void> {
  const set = Object.fromEntries(
    Object.entries(entries).filter(
      (entry): entry is [string, ConfigEntry] => entry[1] !== undefined,
    ),
  );
  await workspace.setAllConfig(stack, set);
  for (const [key, entry] of Object.entries(entries))
    if (entry === undefined && key in current) await workspace.removeConfig(stack, key);
}
