/**
 * An ECS task on a schedule: EventBridge Scheduler starts one revision-independent task
 * definition's task in the stage's private subnets, under a role that may run only that family
 * and pass only its two roles. Used for the lower stages' nightly bucket copy and development's
 * nightly feature template refresh.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Namer } from "./naming";
import { serviceRole } from "./service-role";

export interface TaskScheduleArgs {
  namer: Namer;
  /** Names the schedule and its role: `<prefix>-<purpose>`, `<prefix>-<purpose>-scheduler`. */
  purpose: string;
  /** What the schedule does, as the console shows it. */
  description: string;
  /** EventBridge Scheduler expression. */
  scheduleExpression: string;
  clusterArn: pulumi.Input<string>;
  taskDefinition: aws.ecs.TaskDefinition;
  /** The task definition's execution and task roles, which the scheduler passes to ECS. */
  passRoleArns: pulumi.Input<string>[];
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  securityGroupId: pulumi.Input<string>;
  permissionsBoundaryArn?: pulumi.Input<string>;
}

export function taskSchedule(
  base: string,
  args: TaskScheduleArgs,
  opts: pulumi.CustomResourceOptions,
): aws.scheduler.Schedule {
  const { namer } = args;
  const schedulerRole = serviceRole(
    `${base}-scheduler`,
    {
      namer,
      purpose: `${args.purpose}-scheduler`,
      description: `Lets EventBridge Scheduler start ${namer.prefix}'s ${args.purpose} task`,
      service: "scheduler.amazonaws.com",
      permissionsBoundaryArn: args.permissionsBoundaryArn,
      policy: [
        {
          Sid: "RunTheTask",
          Effect: "Allow",
          Action: ["ecs:RunTask"],
          // Any revision of this one family, nothing else.
          Resource: [args.taskDefinition.arn.apply((arn) => arn.replace(/:\d+$/, ":*"))],
        },
        {
          Sid: "PassItsRoles",
          Effect: "Allow",
          Action: ["iam:PassRole"],
          Resource: args.passRoleArns,
        },
      ],
    },
    opts,
  );
  return new aws.scheduler.Schedule(
    `${base}-schedule`,
    {
      name: namer.name("schedule", args.purpose),
      description: args.description,
      scheduleExpression: args.scheduleExpression,
      flexibleTimeWindow: { mode: "FLEXIBLE", maximumWindowInMinutes: 30 },
      target: {
        arn: args.clusterArn,
        roleArn: schedulerRole.arn,
        ecsParameters: {
          taskDefinitionArn: args.taskDefinition.arn,
          launchType: "FARGATE",
          networkConfiguration: {
            subnets: args.subnetIds,
            securityGroups: [args.securityGroupId],
            assignPublicIp: false,
          },
        },
      },
    },
    opts,
  );
}
