// asl-validator ships no types; this is the part of its API the tests use.
declare module "asl-validator" {
  interface ValidationResult {
    isValid: boolean;
    errors: Array<Record<string, unknown>>;
  }
  function aslValidator(definition: object, options?: object): ValidationResult;
  export = aslValidator;
}
