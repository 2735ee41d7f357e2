// Shared by the file source tests: temporary manifest folders and waiting for a snapshot in a given state.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject, Snapshot } from '../../src/api/types.ts';

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'onramp-source-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function service(name: string, port = 80, labels: Record<string, string> = {}): string {
  const labelText = Object.keys(labels).length ? `  labels: ${JSON.stringify(labels)}\n` : '';
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${labelText}spec:\n  ports:\n  - port: ${port}\n`;
}

export async function write(path: string, text: string): Promise<void> {
  await writeFile(path, text);
}

/** `name@generation` of every Service, the compact view most assertions need. */
export function services(s: Snapshot): string[] {
  return s.services.map((o) => `${o.metadata.name}@${o.metadata.generation}`);
}

export function find(s: Snapshot, name: string): KubeObject | undefined {
  return s.services.find((o) => o.metadata.name === name);
}

/** Collects the snapshots a source emits and waits for one in an expected state (generous timeout, no timing). */
export class Snapshots {
  readonly received: Snapshot[] = [];
  #waiters: { predicate: (s: Snapshot) => boolean; resolve: (s: Snapshot) => void }[] = [];

  readonly push = (s: Snapshot): void => {
    this.received.push(s);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.predicate(s)) return true;
      w.resolve(s);
      return false;
    });
  };

  get latest(): Snapshot | undefined {
    return this.received.at(-1);
  }

  /** Resolves with the latest snapshot once it satisfies the predicate. */
  until(predicate: (s: Snapshot) => boolean, what: string, timeoutMs = 15_000): Promise<Snapshot> {
    const latest = this.latest;
    if (latest && predicate(latest)) return Promise.resolve(latest);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(new Error(`no snapshot with ${what}; latest: ${JSON.stringify(this.latest && summary(this.latest))}`));
      }, timeoutMs);
      const waiter = {
        predicate,
        resolve: (s: Snapshot) => {
          clearTimeout(timer);
          resolve(s);
        },
      };
      this.#waiters.push(waiter);
    });
  }
}

function summary(s: Snapshot): unknown {
  return { services: services(s), rejected: s.rejected.map((r) => `${r.where} ${r.reason}`) };
}
