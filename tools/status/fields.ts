/**
 * A status field is either known or unknown with a reason: the pipeline view never crashes on
 * a stage that does not exist yet or a stack it may not read, it says what it could not learn
 * and why, field by field.
 */
export type Field<T> = { value: T } | { unknown: string };

export const known = <T>(value: T): Field<T> => ({ value });
export const unknown = <T = never>(reason: string): Field<T> => ({ unknown: reason });

export function isKnown<T>(field: Field<T> | undefined): field is { value: T } {
  return field !== undefined && "value" in field;
}

/** The value, or undefined when the field is unknown (or absent). */
export function valueOf<T>(field: Field<T> | undefined): T | undefined {
  return isKnown(field) ? field.value : undefined;
}

/** Hours between two instants, to one decimal. */
export function hoursBetween(from: Date, to: Date): number {
  return Math.round(((to.getTime() - from.getTime()) / 3_600_000) * 10) / 10;
}
