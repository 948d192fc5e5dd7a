// Machine YAML text → Machine (or a rendered config), with every problem carrying
// `file:line` as well as its field path. The YAML is exactly the shape `loadMachine()`
// takes; render problems (unsupported features, size) are located the same way.
import { loadMachine } from "./load";
import type { Machine } from "./model";
import { fail, type Result } from "./problems";
import { render, type RenderOptions, type Rendered } from "./render";
import { locateProblems, parseYamlSource } from "./yaml-source";

export function parseMachineYaml(text: string, file = "<machine.yaml>"): Result<Machine> {
  const src = parseYamlSource(text);
  if (src.problems.length) return fail(src.problems.map((p) => ({ ...p, file })));
  const m = loadMachine(src.value);
  return m.ok ? m : fail(locateProblems(m.problems, src, file));
}

/** Parses, validates and renders machine YAML in one step (what `hafen config render` does). */
export function renderMachineYaml(text: string, opts: RenderOptions, file = "<machine.yaml>"): Result<Rendered> {
  const src = parseYamlSource(text);
  if (src.problems.length) return fail(src.problems.map((p) => ({ ...p, file })));
  const m = loadMachine(src.value);
  if (!m.ok) return fail(locateProblems(m.problems, src, file));
  const r = render(m.value, opts);
  return r.ok ? r : fail(locateProblems(r.problems, src, file));
}
