/**
 * The names the provisioner may touch. Every database and role it creates or drops matches
 * FEATURE_DB_NAME_PATTERN and is none of the reserved names (the template, the template while
 * it is rebuilt or retired, the admin and its database), checked before any SQL runs: a typo in
 * a dynamic provider must not drop the template or the admin.
 */
import { FEATURE_DB_NAME_PATTERN } from "../contract";
import { FEATURE_DB_EXIT, FeatureDbFailure } from "./failure";

export interface TemplateNames {
  /** The template feature databases are created from. */
  current: string;
  /** Where refresh-template builds the next one. */
  next: string;
  /** Where the current one waits while the next is renamed into its place. */
  old: string;
}

export function templateNames(template: string): TemplateNames {
  return { current: template, next: `${template}_next`, old: `${template}_old` };
}

/** A PostgreSQL regular expression for feature database names, for catalog queries (LIKE would read `_` as a wildcard). */
export const FEATURE_DB_NAME_REGEX_SQL = FEATURE_DB_NAME_PATTERN.source;

/** The value, or a failure naming the argument, the bad value and what is valid. */
export function checkFeatureName(
  argument: string,
  value: string,
  reserved: { template: string; admin: string; adminDatabase: string },
): string {
  if (!FEATURE_DB_NAME_PATTERN.test(value))
    throw new FeatureDbFailure(
      FEATURE_DB_EXIT.invalid,
      `${argument}: got ${JSON.stringify(value)}; expected feature_ followed by 1 to 40 of a-z, 0-9 and _ (${FEATURE_DB_NAME_PATTERN.source})`,
    );
  const template = templateNames(reserved.template);
  const taken: Record<string, string> = {
    [template.current]: "the template",
    [template.next]: "the template being refreshed",
    [template.old]: "the template being retired",
    [reserved.admin]: "the host's admin",
    [reserved.adminDatabase]: "the host's admin database",
  };
  if (taken[value])
    throw new FeatureDbFailure(
      FEATURE_DB_EXIT.invalid,
      `${argument}: got ${JSON.stringify(value)}, which is ${taken[value]}; expected a feature's own name`,
    );
  return value;
}
