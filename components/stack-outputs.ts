import * as pulumi from "@pulumi/pulumi";

/**
 * An output another stack must export. A missing one fails the update with what to deploy
 * first, instead of an undefined value flowing into resources.
 */
export function requiredOutput<T>(reference: pulumi.StackReference, stack: string, key: string, hint: string): pulumi.Output<T> {
  return reference.getOutput(key).apply((value: unknown) => {
    if (value === undefined || value === null || value === "") {
      throw new Error(`Stack ${stack} has no output "${key}"; ${hint}`);
    }
    return value as T;
  });
}

/** StackReference needs `<org>/<project>/<stack>`; a bare stack name means this project's. */
export function qualifiedStack(stack: string): string {
  return stack.includes("/") ? stack : `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
}
