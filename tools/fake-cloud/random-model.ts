/**
 * The fake random provider: RandomPassword only (all this project uses). Like
 * terraform-provider-random's random_password: id "none", `result` and `bcryptHash` secret,
 * characters from the classes the inputs allow. The value is derived from the resource's seed
 * instead of a CSPRNG, so runs are reproducible; nothing here is a real credential.
 */
import { createHash } from "node:crypto";
import type { CloudModel, CreateContext, CreateOutcome } from "./recording-provider";
import { Props, secret } from "./values";

const CLASSES = {
  lower: "abcdefghijklmnopqrstuvwxyz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  numeric: "0123456789",
  special: "!@#$%&*()-_=+[]{}<>:?",
};

export class RandomModel implements CloudModel {
  readonly pkg = "random";

  caller(): undefined {
    return undefined;
  }

  create(type: string, _urn: string, inputs: Props, { seed }: CreateContext): CreateOutcome {
    if (type !== "random:index/randomPassword:RandomPassword")
      throw new Error(`The fake random provider has no ${type}`);
    const enabled = (key: keyof typeof CLASSES) =>
      inputs[key] !== false && !(key === "numeric" && inputs.number === false);
    const special =
      typeof inputs.overrideSpecial === "string" ? inputs.overrideSpecial : CLASSES.special;
    const alphabet = [
      enabled("lower") && CLASSES.lower,
      enabled("upper") && CLASSES.upper,
      enabled("numeric") && CLASSES.numeric,
      enabled("special") && special,
    ]
      .filter((chars): chars is string => typeof chars === "string")
      .join("");
    const length = Number(inputs.length);
    let result = "";
    for (let block = 0; result.length < length; block++) {
      for (const byte of createHash("sha256").update(`${seed}:${block}`).digest()) {
        if (result.length < length) result += alphabet[byte % alphabet.length];
      }
    }
    return {
      id: "none",
      computed: {
        result: secret(result),
        bcryptHash: secret(
          `$2a$10$fake.${createHash("sha256").update(result).digest("hex").slice(0, 46)}`,
        ),
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
    throw new Error(`The fake random provider has no function ${token}`);
  }
}
