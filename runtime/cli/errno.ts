// File errors in the words a CLI user reads ("no such file", not "ENOENT: …").
export function describeErrno(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    default:
      return (err as Error).message ?? String(err);
  }
}
