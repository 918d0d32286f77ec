/**
 * A task's writable scratch space on a read-only root filesystem: a volume with no host path is
 * the Fargate task's ephemeral storage (20 GiB by default), bind-mounted where the container
 * writes (Amazon ECS Developer Guide, "Fargate task storage" and "Bind mounts").
 */
export const SCRATCH_VOLUME = "scratch";
