// Free TCP ports on 127.0.0.1 for tests (the runtime's own helper). Tests only ever bind
// to 127.0.0.1.
import { freePorts } from "../../runtime/local/ports";

export { freePorts };

export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}
