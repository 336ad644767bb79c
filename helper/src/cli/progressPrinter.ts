// Progress on stderr: one redrawn line on a terminal, plain lines otherwise (logs, CI, pipes).
import type { Reporter } from "../lima/operations";
import type { Progress } from "../protocol";
import type { CliIO } from "./command";

export interface ProgressPrinter extends Reporter {
  /** Clears the redrawn line so the next output starts clean. */
  done(): void;
}

export function progressPrinter(io: CliIO, verbose = false): ProgressPrinter {
  let last = "";
  let drawn = false;
  const columns = () => (io.stderr as { columns?: number }).columns ?? 80;
  const clear = () => {
    if (drawn) io.stderr.write("\r\x1b[2K");
    drawn = false;
  };
  return {
    progress(p: Progress) {
      const text = describe(p);
      if (text === last) return;
      last = text;
      if (io.interactive) {
        clear();
        io.stderr.write(text.slice(0, Math.max(10, columns() - 1)));
        drawn = true;
      } else {
        io.stderr.write(`${text}\n`);
      }
    },
    log(line: string) {
      // Command lines are always shown (what nixlima ran); limactl's own lines only when verbose.
      if (!verbose && !line.startsWith("$ ")) return;
      clear();
      io.stderr.write(`${line}\n`);
      if (io.interactive && last) {
        io.stderr.write(last.slice(0, Math.max(10, columns() - 1)));
        drawn = true;
      }
    },
    done: clear,
  };
}

export function describe(p: Progress): string {
  const pct = p.fraction === undefined ? "" : ` [${Math.round(p.fraction * 100)}%]`;
  return `${p.stage}${p.message ? `: ${p.message}` : ""}${pct}`;
}
