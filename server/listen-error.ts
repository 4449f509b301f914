/**
 * Why the server could not listen, as one line naming the cause and the fix (issue 20, "Fail fast"):
 * a port taken, a port below 1024 without the right, an address not of this machine.
 */
import { SetupError } from "../core/errors.js";

export function listenError(e: NodeJS.ErrnoException, port: number, host?: string): SetupError {
  const where = host ? `${host}:${port}` : `port ${port}`;
  switch (e.code) {
    case "EADDRINUSE":
      return new SetupError(`PORT: ${where} is already in use by another process; stop that process, or set PORT to a free port`);
    case "EACCES":
      return new SetupError(`PORT: listening on ${where} is not permitted (a port below 1024 needs privileges); set PORT to 1024 or above and let the reverse proxy listen on 443`);
    case "EADDRNOTAVAIL":
      return new SetupError(`${where}: ${host ?? "the address"} is not an address of this machine`);
    default:
      return new SetupError(`cannot listen on ${where}: ${e.message}`);
  }
}
