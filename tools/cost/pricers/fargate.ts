/**
 * Fargate tasks: what one task of a task definition costs an hour (vCPU and memory, Linux on
 * x86 or ARM from its runtime platform), for the service that keeps tasks running and for the
 * schedules and state machines that start them for a while each night.
 */
import { z } from "zod";
import type { RenderedResource } from "../../render/harness";
import type { Category, LineSpec } from "../model";
import { plural, qty, readInputs } from "./common";

/** Fargate includes this much ephemeral storage with every task. */
const INCLUDED_EPHEMERAL_GB = 20;

const taskDefinitionInputs = z
  .object({
    family: z.string(),
    // Task definitions carry cpu and memory as strings ("256"); the API accepts both.
    cpu: z.coerce.number().positive(),
    memory: z.coerce.number().positive(),
    runtimePlatform: z
      .object({
        cpuArchitecture: z.string().optional(),
        operatingSystemFamily: z.string().optional(),
      })
      .passthrough()
      .optional(),
    ephemeralStorage: z.object({ sizeInGib: z.number() }).passthrough().optional(),
  })
  .passthrough();

export interface TaskSize {
  family: string;
  vcpu: number;
  gb: number;
  arch: "x86" | "arm";
}

/** The size of one task of a task definition, or why it cannot be priced. */
export function taskSize(definition: RenderedResource): TaskSize | { problem: string } {
  const read = readInputs(definition, taskDefinitionInputs);
  if ("problem" in read) return { problem: `task definition ${definition.name}: ${read.problem}` };
  const { family, cpu, memory, runtimePlatform, ephemeralStorage } = read.inputs;
  const os = runtimePlatform?.operatingSystemFamily ?? "LINUX";
  if (os !== "LINUX")
    return {
      problem: `task definition ${definition.name} runs ${os}; only Linux Fargate is in the price table`,
    };
  if ((ephemeralStorage?.sizeInGib ?? 0) > INCLUDED_EPHEMERAL_GB) {
    return {
      problem: `task definition ${definition.name} asks for ${ephemeralStorage?.sizeInGib} GB of ephemeral storage; beyond the included ${INCLUDED_EPHEMERAL_GB} GB is not in the price table`,
    };
  }
  // No runtime platform means X86_64, ECS's default.
  const arch = runtimePlatform?.cpuArchitecture === "ARM64" ? "arm" : "x86";
  // Fargate bills CPU units as vCPU (1,024 a vCPU) and memory as GB (1,024 MiB a GB).
  return { family, vcpu: cpu / 1024, gb: memory / 1024, arch };
}

/** `tasks` tasks (or runs of one task: `unit` says which) of `size` for `hours` hours each. */
export function fargateLine(
  category: Category,
  label: string,
  size: TaskSize,
  tasks: number,
  hours: number,
  options: { unit?: "task" | "run"; assumed?: boolean } = {},
): LineSpec {
  const { unit = "task", assumed = false } = options;
  return {
    category,
    what: `${label}: ${plural(tasks, unit)} × ${qty(size.vcpu)} vCPU, ${qty(size.gb)} GB (Linux/${size.arch}) × ${qty(hours)} h`,
    charges: [
      { price: `fargate.linux-${size.arch}.vcpu-hour`, quantity: tasks * size.vcpu * hours },
      { price: `fargate.linux-${size.arch}.gb-hour`, quantity: tasks * size.gb * hours },
    ],
    assumed,
  };
}
