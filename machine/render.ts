// One entry for "render this machine for that provider": format, then size check.
import { cloudConfigOsProblem, cloudConfigText } from "./cloud-config";
import { expandMachine } from "./expand";
import { ignitionText } from "./ignition";
import { measure, sizeProblem, type ConfigFormat, type Measurement, type Provider } from "./limits";
import type { Machine } from "./model";
import { fail, ok, type Result } from "./problems";

export interface RenderOptions {
  readonly format: ConfigFormat;
  /** Checked against the provider's user-data limit; default "local" (no limit). */
  readonly provider?: Provider;
}

export interface Rendered {
  readonly text: string;
  readonly size: Measurement;
}

/** Renders and refuses configs the provider would not accept. */
export function render(m: Machine, opts: RenderOptions): Result<Rendered> {
  const provider = opts.provider ?? "local";
  const x = expandMachine(m);
  let text: string;
  switch (opts.format) {
    case "cloud-config": {
      const bad = cloudConfigOsProblem(m);
      if (bad) return fail([bad]);
      text = cloudConfigText(x);
      break;
    }
    case "ignition": {
      const r = ignitionText(x);
      if (!r.ok) return r;
      text = r.value;
      break;
    }
    default: {
      const _never: never = opts.format;
      return _never;
    }
  }
  const tooLarge = sizeProblem(text, provider, opts.format, x);
  return tooLarge ? fail([tooLarge]) : ok({ text, size: measure(text, provider) });
}
