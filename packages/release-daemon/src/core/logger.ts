/** The daemon's logger: one line per message, on stderr. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger writing `<ISO time> <level> <message>` lines to stderr. */
export const consoleLogger: Logger = {
  info: m => process.stderr.write(`${new Date().toISOString()} info ${m}\n`),
  warn: m => process.stderr.write(`${new Date().toISOString()} warn ${m}\n`),
  error: m => process.stderr.write(`${new Date().toISOString()} error ${m}\n`),
};

/** A logger that drops everything (tests). */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
