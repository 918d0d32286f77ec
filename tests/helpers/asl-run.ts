/**
 * A small interpreter for the JSONata flavour of Amazon States Language, enough to walk the
 * refinery's state machine through a run: Task (Arguments, Assign, Retry, Catch with Assign), Choice
 * (Condition, Assign), Wait, Map (INLINE, Items), Succeed, Fail. Service calls go to a fake the
 * test gives; JSONata is evaluated by the jsonata library Step Functions itself uses.
 * Semantics copied from the Step Functions developer guide ("Transforming data with JSONata",
 * "Passing data between states with variables"): a state's Assign expressions all see the
 * variables as they were before the state; `$states.result` is the task's result and
 * `$states.errorOutput` a caught error's output. Retry ("Handling errors in Step Functions
 * workflows"): the first retrier whose ErrorEquals names the error (or States.ALL) runs the state
 * again, up to MaxAttempts (default 3) times; the waits are counted, not slept.
 */
import jsonata from "jsonata";

export type ServiceCall = { resource: string; arguments: unknown };
export type Service = (call: ServiceCall) => unknown;

export interface RunResult {
  status: "SUCCEEDED" | "FAILED";
  calls: ServiceCall[];
  visited: string[];
  /** Seconds the retriers would have waited, in all. */
  retriedSeconds?: number;
  error?: string;
  cause?: string;
}

type State = Record<string, unknown>;
interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

export class TaskFailure extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

async function evaluate(template: unknown, bindings: Record<string, unknown>): Promise<unknown> {
  if (typeof template === "string") {
    const match = /^\{%([\s\S]*)%\}$/.exec(template);
    if (!match) return template;
    return jsonata(match[1]).evaluate({}, bindings);
  }
  if (Array.isArray(template)) return Promise.all(template.map((t) => evaluate(t, bindings)));
  if (template && typeof template === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) out[key] = await evaluate(value, bindings);
    return out;
  }
  return template;
}

async function assign(
  expressions: unknown,
  variables: Record<string, unknown>,
  states: Record<string, unknown>,
): Promise<void> {
  if (!expressions) return;
  const values = (await evaluate(expressions, { ...variables, states })) as Record<string, unknown>;
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined)
      throw new Error(`Assign ${key} evaluated to undefined (Step Functions refuses that)`);
    variables[key] = value;
  }
}

export async function runStateMachine(
  definition: Machine,
  service: Service,
  context: Record<string, unknown>,
  maxSteps = 2000,
): Promise<RunResult> {
  const calls: ServiceCall[] = [];
  const visited: string[] = [];
  const variables: Record<string, unknown> = {};
  const retried = { seconds: 0 };
  const result = await runStates(
    definition,
    service,
    context,
    variables,
    calls,
    visited,
    maxSteps,
    retried,
  );
  return { ...result, retriedSeconds: retried.seconds };
}

async function runStates(
  machine: Machine,
  service: Service,
  context: Record<string, unknown>,
  variables: Record<string, unknown>,
  calls: ServiceCall[],
  visited: string[],
  maxSteps: number,
  retried: { seconds: number },
  input: unknown = {},
): Promise<RunResult> {
  let name: string | undefined = machine.StartAt;
  let stateInput = input;
  for (let step = 0; name !== undefined; step++) {
    if (step > maxSteps) throw new Error(`more than ${maxSteps} steps: a loop that never ends`);
    const state: State | undefined = machine.States[name];
    if (!state) throw new Error(`no state ${name}`);
    visited.push(name);
    const states = { input: stateInput, context };
    switch (state.Type) {
      case "Succeed":
        return { status: "SUCCEEDED", calls, visited };
      case "Fail":
        return {
          status: "FAILED",
          calls,
          visited,
          error: String(await evaluate(state.Error, { ...variables, states })),
          cause: String(await evaluate(state.Cause, { ...variables, states })),
        };
      case "Wait":
        name = state.Next as string;
        break;
      case "Choice": {
        let next = state.Default as string | undefined;
        for (const choice of (state.Choices ?? []) as Array<{
          Condition: string;
          Next: string;
          Assign?: unknown;
        }>) {
          if ((await evaluate(choice.Condition, { ...variables, states })) === true) {
            await assign(choice.Assign, variables, states);
            next = choice.Next;
            break;
          }
        }
        if (next === undefined) throw new Error(`choice ${name} has no match and no default`);
        name = next;
        break;
      }
      case "Task":
      case "Map": {
        try {
          let result: unknown;
          if (state.Type === "Task") {
            const call = {
              resource: String(state.Resource),
              arguments: await evaluate(state.Arguments ?? {}, { ...variables, states }),
            };
            const retriers = (state.Retry ?? []) as Array<{
              ErrorEquals: string[];
              IntervalSeconds?: number;
              MaxAttempts?: number;
              BackoffRate?: number;
            }>;
            const attempts = new Map<number, number>();
            for (;;) {
              calls.push(call);
              try {
                result = service(call);
                break;
              } catch (error) {
                const code = error instanceof TaskFailure ? error.errorCode : "States.TaskFailed";
                const index = retriers.findIndex(
                  (r) => r.ErrorEquals.includes(code) || r.ErrorEquals.includes("States.ALL"),
                );
                const retrier = retriers[index];
                const done = attempts.get(index) ?? 0;
                if (!retrier || done >= (retrier.MaxAttempts ?? 3)) throw error;
                attempts.set(index, done + 1);
                retried.seconds +=
                  (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** done;
              }
            }
          } else {
            const items = (await evaluate(state.Items, { ...variables, states })) as unknown[];
            if (!Array.isArray(items)) throw new Error(`Map ${name}: Items is not an array`);
            const processor = state.ItemProcessor as Machine;
            for (const item of items) {
              const inner = await runStates(
                processor,
                service,
                context,
                { ...variables },
                calls,
                visited,
                maxSteps,
                retried,
                item,
              );
              if (inner.status === "FAILED")
                throw new TaskFailure("States.TaskFailed", inner.cause ?? "map item failed");
            }
            result = items;
          }
          await assign(state.Assign, variables, { ...states, result });
          stateInput = result;
          if (state.End === true) return { status: "SUCCEEDED", calls, visited };
          name = state.Next as string;
        } catch (error) {
          const catcher: { ErrorEquals: string[]; Next: string; Assign?: unknown } | undefined = (
            (state.Catch ?? []) as Array<{ ErrorEquals: string[]; Next: string; Assign?: unknown }>
          ).find(
            (c) =>
              c.ErrorEquals.includes("States.ALL") ||
              (error instanceof TaskFailure && c.ErrorEquals.includes(error.errorCode)),
          );
          if (!catcher)
            return {
              status: "FAILED",
              calls,
              visited,
              error: error instanceof TaskFailure ? error.errorCode : "States.Runtime",
              cause: String(error),
            };
          const errorOutput = {
            Error: error instanceof TaskFailure ? error.errorCode : "States.TaskFailed",
            Cause: error instanceof Error ? error.message : JSON.stringify(error),
          };
          await assign(catcher.Assign, variables, { ...states, errorOutput });
          name = catcher.Next;
        }
        break;
      }
      default:
        throw new Error(`state type ${String(state.Type)} is not supported here`);
    }
  }
  throw new Error("fell off the state machine");
}
