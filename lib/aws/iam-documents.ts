import * as pulumi from "@pulumi/pulumi";

/** A statement of an IAM policy document whose resources may still be outputs. */
export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: pulumi.Input<string>[] | "*";
}

/** A role policy document, serialized once its resource ARNs are known. */
export function policyDocument(statements: PolicyStatement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** Trust policy letting one AWS service assume a role. */
export function serviceTrustPolicy(service: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  });
}
