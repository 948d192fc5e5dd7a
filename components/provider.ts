// The component provider for Python, Go, C#, Java and YAML programs: Pulumi runs
// components/plugin (PulumiPlugin.yaml) and serves what its index.ts exports. This entry
// does the same explicitly (`node -r ts-node/register components/provider.ts` or the
// built equivalent) and gives tests the provider object to ask for the schema.
import { join } from "node:path";
import { ComponentProvider, componentProviderHost, type ComponentResourceConstructor } from "@pulumi/pulumi/provider/experimental";
import * as plugin from "./plugin";

export const PLUGIN_DIR = join(__dirname, "plugin");
export const PROVIDER_NAME = "hafen";

/** Every component the plugin serves, by class (the schema's `hafen:index:<Class>`). */
export const PLUGIN_COMPONENTS: ComponentResourceConstructor[] = [
  plugin.Cluster,
  plugin.DiscoveryToken,
  plugin.Unit,
  plugin.AwsNodePool,
  plugin.DigitalOceanNodePool,
  plugin.OpenStackNodePool,
  plugin.VsphereNodePool,
  plugin.LocalNodePool,
];

export function hafenComponentProvider(): ComponentProvider {
  return new ComponentProvider({ name: PROVIDER_NAME, dirname: PLUGIN_DIR, components: PLUGIN_COMPONENTS });
}

export function serve(): Promise<void> {
  return componentProviderHost({ name: PROVIDER_NAME, dirname: PLUGIN_DIR, components: PLUGIN_COMPONENTS });
}

if (require.main === module) void serve();
