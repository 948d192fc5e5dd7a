// Errors of the discovery service as data. The etcd v2 codes are the ones etcd's own
// discovery client understands (it parses {"errorCode","message","cause","index"} and
// decides on the code: 100 "Key not found" on `_config/size` makes it exit, 105 on its
// own registration means "duplicate id"). Codes from 1001 up are Hafen's own, used only
// where etcd has no fitting code; they keep etcd's JSON shape so every client parses
// one error format. Any 5xx makes etcd retry with backoff (2 s, 4 s, …), so 5xx is used
// exactly for "try again later" conditions.

export type ErrorCode =
  | 100 // Key not found
  | 102 // Not a file (a directory was addressed where a key is needed)
  | 104 // Not a directory
  | 105 // Key already exists (create with prevExist=false)
  | 107 // Read only (`_config` belongs to the service)
  | 200 // Value is required in the form body
  | 202 // TTL is not a number in range
  | 203 // Index is not a number in range
  | 209 // Invalid field (a query parameter or field with a bad value, or unknown)
  | 210 // Invalid form body
  | 300 // Internal error (storage failed)
  | 401 // The event in requested index is outdated and cleared
  | 1001 // Limit reached (members, servers or tokens)
  | 1002 // Request body too large
  | 1003 // Too many waiting requests (retry later)
  | 1004 // Method not allowed
  | 1005; // Service unavailable (shutting down)

const MESSAGES: { readonly [C in ErrorCode]: string } = {
  100: "Key not found",
  102: "Not a file",
  104: "Not a directory",
  105: "Key already exists",
  107: "Read only",
  200: "Value is Required in POST form",
  202: "The given TTL in POST form is not a number",
  203: "The given index in POST form is not a number",
  209: "Invalid field",
  210: "Invalid POST form",
  300: "Raft Internal Error",
  401: "The event in requested index is outdated and cleared",
  1001: "Limit reached",
  1002: "Request body too large",
  1003: "Too many waiting requests",
  1004: "Method not allowed",
  1005: "Service unavailable",
};

/** HTTP status per code; etcd's v2 mapping where etcd has the code. */
const STATUS: { readonly [C in ErrorCode]: number } = {
  100: 404,
  102: 403,
  104: 403,
  105: 412,
  107: 403,
  200: 400,
  202: 400,
  203: 400,
  209: 400,
  210: 400,
  300: 500,
  401: 400,
  1001: 403,
  1002: 413,
  1003: 503,
  1004: 405,
  1005: 503,
};

/** The JSON body etcd's clients parse. `cause` names the offending key, field or value. */
export interface EtcdErrorBody {
  readonly errorCode: ErrorCode;
  readonly message: string;
  readonly cause: string;
  readonly index: number;
}

export interface Problem {
  readonly code: ErrorCode;
  /** What was wrong and, where it helps, what is accepted. */
  readonly cause: string;
}

export function problem(code: ErrorCode, cause: string): Problem {
  return { code, cause };
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function errorBody(p: Problem, index: number): EtcdErrorBody {
  return { errorCode: p.code, message: MESSAGES[p.code], cause: p.cause, index };
}

/** Cuts client-supplied text so an error never echoes a whole body back. */
export function excerpt(text: string, max = 64): string {
  const safe = JSON.stringify(text);
  return safe.length <= max + 2 ? safe : `${safe.slice(0, max)}…" (${text.length} chars)`;
}
