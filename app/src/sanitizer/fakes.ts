/**
 * Deterministic fakes as SQL expressions, so a whole table is rewritten in one set-based
 * statement and verification can recompute exactly what each row must hold. A fake depends
 * only on the row's key (which is kept), never on the original value: it reveals nothing the
 * kept columns do not, not even whether two originals were equal.
 */
import type { CatalogColumn } from "./catalog";
import type { FakeKind } from "./rules";

const FIRST = [
  "Alex",
  "Sam",
  "Robin",
  "Jordan",
  "Kim",
  "Noor",
  "Mika",
  "Yuki",
  "Ines",
  "Tomas",
  "Lea",
  "Omar",
  "Ada",
  "Jonas",
  "Priya",
  "Luca",
];
const LAST = [
  "Example",
  "Sample",
  "Placeholder",
  "Testington",
  "Mock",
  "Dummy",
  "Fictional",
  "Specimen",
  "Demo",
  "Stand-In",
  "Pseudonym",
  "Invented",
];
const STREETS = [
  "Example Street",
  "Sample Road",
  "Placeholder Lane",
  "Test Avenue",
  "Demo Way",
  "Mock Close",
  "Fiction Square",
  "Specimen Row",
];
const CITIES = [
  "Exampleville",
  "Sampletown",
  "Placeholder City",
  "Testburg",
  "Demoford",
  "Mockington",
  "Fictionbury",
  "Specimen Falls",
];
const PHRASES = [
  "Lorem ipsum dolor sit amet.",
  "Consectetur adipiscing elit.",
  "Sed do eiusmod tempor.",
  "Ut enim ad minim veniam.",
  "Duis aute irure dolor.",
  "Excepteur sint occaecat.",
];

const INTEGER_TYPES = new Set(["smallint", "integer", "bigint"]);

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function list(words: readonly string[]): string {
  return `(array[${words.map(quoteLiteral).join(", ")}])`;
}

/** The i-th word of a list, chosen by a non-negative bigint expression. */
function pick(words: readonly string[], index: string): string {
  return `${list(words)}[1 + mod(${index}, ${words.length})]`;
}

/**
 * A non-negative bigint per row from its key: an integer key itself (so `user42@...` belongs
 * to user 42, which helps whoever debugs a lower stage), otherwise 60 bits of an MD5 of the
 * key columns' text.
 */
export function seedSql(key: CatalogColumn[], alias = ""): string {
  const ref = (c: CatalogColumn) => `${alias}${quoteIdent(c.name)}`;
  if (key.length === 1 && INTEGER_TYPES.has(key[0].type)) return `abs(${ref(key[0])}::bigint)`;
  const text = key.map((c) => `coalesce(${ref(c)}::text, '')`).join(" || chr(31) || ");
  return `(('x' || substr(md5(${text}), 1, 15))::bit(60)::bigint)`;
}

/** The fake of a kind for a row with the given seed, as a text expression. */
export function fakeSql(kind: FakeKind, seed: string): string {
  switch (kind) {
    case "email":
      // Unique per key, so a unique index on email holds; .invalid never delivers (RFC 2606).
      return `('user' || ${seed} || '@example.invalid')`;
    case "name":
      return `(${pick(FIRST, seed)} || ' ' || ${pick(LAST, `(${seed} / ${FIRST.length})`)})`;
    case "phone":
      // 555-0100 to 555-0199 are reserved for fiction in the North American plan.
      return `('+1 202 555 01' || lpad(mod(${seed}, 100)::text, 2, '0'))`;
    case "address_line":
      return `((1 + mod(${seed}, 999))::text || ' ' || ${pick(STREETS, `(${seed} / 999)`)})`;
    case "city":
      return pick(CITIES, seed);
    case "postal_code":
      return `lpad(mod(${seed}, 100000)::text, 5, '0')`;
    case "text":
      return `(${pick(PHRASES, seed)} || ' #' || ${seed}::text)`;
  }
}
