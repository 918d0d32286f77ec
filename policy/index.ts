// The policy pack: `pulumi preview --policy-pack policy`. The same rules run offline against
// every render in the tests (tools/policy/offline.ts).
import { PolicyPack } from "@pulumi/policy";
import { MANDATORY_POLICIES } from "./rules";

new PolicyPack("multistage", { policies: [...MANDATORY_POLICIES] });
