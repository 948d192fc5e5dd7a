// Values that come from other resources' outputs are always reported by real providers.
// Test mocks that echo a resource's inputs as its state leave them out (undefined), the
// standard Pulumi unit-testing pattern; anything computed from them would be a guess.
// Such values are treated as unknown, exactly like during preview: what depends on them
// is unknown too, so nothing is built from a missing key or certificate, and a real
// deployment that somehow lacked one fails at the engine naming the property.
import * as pulumi from "@pulumi/pulumi";

type Defined<T> = { [K in keyof T]-?: NonNullable<T[K]> };

/** `f(values)` when none of `values`' fields is undefined, else pulumi.unknown. */
export function whenDefined<T extends object, R>(values: T, f: (v: Defined<T>) => R): R {
  if (Object.values(values).some((v) => v === undefined)) return pulumi.unknown as unknown as R;
  return f(values as Defined<T>);
}
