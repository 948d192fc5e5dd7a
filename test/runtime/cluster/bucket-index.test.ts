// BucketIndex: a bucket record replaces exactly what that bucket held before.
import { BucketIndex } from "../../../runtime/cluster/bucket-index";

const view = (ix: BucketIndex<number>) => Object.fromEntries([...ix.byMachine].map(([m, units]) => [m, Object.fromEntries(units)]));

describe("BucketIndex", () => {
  it("replaces a bucket's units, leaves other buckets and machines alone, forgets empty machines", () => {
    const ix = new BucketIndex<number>();
    ix.replace("m1", "a", [["u1", 1], ["u2", 2]]);
    ix.replace("m1", "b", [["u3", 3]]);
    ix.replace("m2", "a", [["u1", 9]]);
    expect(view(ix)).toEqual({ m1: { u1: 1, u2: 2, u3: 3 }, m2: { u1: 9 } });
    ix.replace("m1", "a", [["u2", 20]]); // u1 left bucket a of m1
    expect(view(ix)).toEqual({ m1: { u2: 20, u3: 3 }, m2: { u1: 9 } });
    ix.replace("m1", "b"); // deleted or unreadable record
    ix.replace("m2", "a", []);
    expect(view(ix)).toEqual({ m1: { u2: 20 } });
    ix.replace("m1", "a", undefined);
    expect(ix.byMachine.size).toBe(0);
    ix.replace("m3", "f", [["x", 1]]);
    ix.clear();
    ix.replace("m3", "f"); // after clear nothing is remembered
    expect(ix.byMachine.size).toBe(0);
  });
});
