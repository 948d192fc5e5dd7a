// Loads a dynamic provider the way Pulumi's dynamic provider host does: serialised to
// text by Pulumi's closure serialiser, then compiled as a fresh module. A provider that
// cannot be serialised (or breaks once serialised) fails only at `pulumi up` otherwise.
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";

export async function shipped<T>(provider: T, label: string): Promise<T> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  const m = new Module(label);
  m.paths = module.paths;
  (m as unknown as { _compile(code: string, file: string): void })._compile(sf.text, join(tmpdir(), `${label}.js`));
  return (m.exports as Record<string, () => T>)[sf.exportName]!();
}
