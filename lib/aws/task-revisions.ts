/**
 * Every ECS task definition is registered with `skipDestroy`: the provider then never calls
 * `ecs:DeregisterTaskDefinition` (terraform-provider-aws internal/service/ecs/task_definition.go,
 * resourceTaskDefinitionDelete returns early with skip_destroy). That action has no resource-level
 * permissions (Service Authorization Reference), so granting it to any stage's deployer would let
 * it deregister every other stage's revisions, production's refinery task included ("You can't
 * use an INACTIVE task definition to run new tasks", ECS API reference). Old revisions stay
 * ACTIVE and cost nothing; a replaced revision is simply no longer used.
 */
export const RETAIN_TASK_REVISIONS = true;
