/**
 * Resident memory of another process, and of its descendants, read from /proc (Linux). RSS is what
 * memory_profiler's default backend reads (psutil's `rss`), so the figures compare.
 */
import * as fs from 'fs';

/** VmRSS of a process in bytes; undefined when it is gone or a zombie (no VmRSS line then). */
export function rssOf(pid: number): number | undefined {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** The parent pid of each running process, from /proc/<pid>/stat. */
function parents(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return children;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so look after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const list = children.get(ppid);
    if (list) list.push(Number(entry));
    else children.set(ppid, [Number(entry)]);
  }
  return children;
}

/** Every descendant of pid (children, their children, ...), as they are now. */
export function descendantsOf(pid: number): number[] {
  const children = parents();
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (found.includes(child)) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export interface Reading {
  /** Bytes: the process, plus its descendants when asked. */
  rss: number;
  /** How many processes were counted. */
  processes: number;
}

/** One sample; undefined when the process itself is gone. */
export function sample(pid: number, includeChildren: boolean): Reading | undefined {
  const own = rssOf(pid);
  if (own === undefined) return undefined;
  let rss = own;
  let processes = 1;
  if (includeChildren) {
    for (const child of descendantsOf(pid)) {
      const r = rssOf(child);
      if (r === undefined) continue;
      rss += r;
      processes++;
    }
  }
  return { rss, processes };
}

/** Whether this system has what the sampler reads. */
export function canSample(): boolean {
  return fs.existsSync(`/proc/${process.pid}/status`);
}
