import { readFile } from "node:fs/promises";
import type { ProcessUsage } from "../benchResult.ts";

/** Clock ticks per second of /proc/<pid>/stat times: 100 on every Linux the project runs on (USER_HZ). */
const USER_HZ = 100;

/** CPU seconds and peak RSS of a process from /proc (Linux); null where /proc is not readable. */
export async function readProcessUsage(
  pid: number,
): Promise<{ cpuSeconds: number; peakRssBytes: number } | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which may hold spaces, start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / USER_HZ;
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    return { cpuSeconds, peakRssBytes: hwm ? Number(hwm[1]) * 1024 : 0 };
  } catch {
    return null;
  }
}

/** Measures CPU used by a process between `start()` and `end()`, with its peak RSS at the end. */
export class ProcessMeter {
  private startCpu = 0;
  constructor(
    private readonly name: string,
    private readonly pid: number,
  ) {}

  async start(): Promise<void> {
    this.startCpu = (await this.sample()).cpuSeconds;
  }

  async end(): Promise<ProcessUsage> {
    const s = await this.sample();
    return { name: this.name, cpuSeconds: s.cpuSeconds - this.startCpu, peakRssBytes: s.peakRssBytes };
  }

  private async sample(): Promise<{ cpuSeconds: number; peakRssBytes: number }> {
    if (this.pid === process.pid) {
      const u = process.cpuUsage();
      return { cpuSeconds: (u.user + u.system) / 1e6, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
    }
    return (await readProcessUsage(this.pid)) ?? { cpuSeconds: 0, peakRssBytes: 0 };
  }
}
