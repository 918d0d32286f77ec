/**
 * The fake docker provider: Image only. Nothing is built or pushed (there is no Docker engine);
 * the journal records the build the real provider would run, and the image gets the digest the
 * render's mocks give it. The real provider also adds build.contextDigest, a hash of the build
 * context, in Check (pulumi-docker provider/image.go), so a change to app/ rebuilds; this fake
 * does not hash the context.
 */
import { RenderMocks } from "../render/mocks";
import type { CloudModel, CreateOutcome } from "./recording-provider";
import { parseUrn, Props } from "./values";

export class DockerModel implements CloudModel {
  readonly pkg = "docker";

  caller(): undefined {
    return undefined;
  }

  create(type: string, urn: string, inputs: Props): CreateOutcome {
    if (type !== "docker:index/image:Image")
      throw new Error(`The fake docker provider has no ${type}`);
    const { state } = new RenderMocks({ region: "us-east-1" }).newResource({
      type,
      name: parseUrn(urn).name,
      inputs,
      custom: true,
    });
    const repoDigest = String(state.repoDigest);
    // pulumi-docker v4: the id is the pushed image's repo digest.
    return {
      id: repoDigest,
      computed: {
        repoDigest,
        baseImageName: inputs.imageName,
        registryServer: (inputs.registry as Props | undefined)?.server,
      },
    };
  }

  configuredOutputs(): Props {
    return {};
  }

  refuseCreate(): undefined {
    return undefined;
  }

  refuseDelete(): undefined {
    return undefined;
  }

  refuseUpdate(): undefined {
    return undefined;
  }

  invoke(token: string): Props {
    throw new Error(`The fake docker provider has no function ${token}`);
  }
}
