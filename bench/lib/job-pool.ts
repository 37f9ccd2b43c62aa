/**
 * Runs benchmark jobs in child processes, a few at a time, with this process's loader flags, so a
 * long reproduction survives a crash of one run and uses one process per core. The script records
 * its own results (the jobs' runs files).
 *
 * - one process per job: `node <script> job <json>`;
 * - `reuse`: each child is `node <script> worker` and takes jobs one after another over IPC
 *   ({@link serveJobs}), so modules, data sets and checkpoints load once per child instead of once
 *   per job — for jobs of seconds to a minute, where that start-up is a tenth of the cost. The jobs'
 *   results must not depend on what ran before them in the process (every random choice seeded by
 *   the job; bench/test/job-pool.test.ts checks it for the PEFT runs).
 */
import { spawn } from 'node:child_process';

/**
 * Runs every job, `workers` at a time; rejects when a child exits non-zero. `nodeArgs`: the
 * children's node flags (default: this process's, which carry the TypeScript loader).
 */
export async function runInChildren(
  jobs: readonly unknown[],
  script: string,
  workers: number,
  options: { reuse?: boolean; nodeArgs?: readonly string[] } = {},
): Promise<void> {
  let next = 0;
  const nodeArgs = options.nodeArgs ?? process.execArgv;
  const failed = (job: unknown, code: number | null) =>
    new Error(`job ${JSON.stringify(job)} exited with ${code}`);
  const oneAtATime = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [...nodeArgs, script, 'job', JSON.stringify(job)], {
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(failed(job, code))));
      });
    }
  };
  const longLived = () =>
    new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [...nodeArgs, script, 'worker'], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let current: unknown = null;
      const feed = () => {
        if (next >= jobs.length) {
          current = null;
          child.disconnect(); // the child exits once its channel closes
          return;
        }
        current = jobs[next++]!;
        child.send(current as object);
      };
      child.on('message', (m) => {
        if (m === 'done') feed();
      });
      child.on('exit', (code) =>
        code === 0 && current === null ? resolve() : reject(failed(current, code)),
      );
      feed();
    });
  const n = Math.min(workers, jobs.length);
  await Promise.all(Array.from({ length: n }, options.reuse ? longLived : oneAtATime));
}

/**
 * The child side of `reuse`: runs each job the parent sends, in order, answering `done` after
 * each; exits with 1 (the parent then rejects) when a job throws, and with 0 when the parent
 * closes the channel (after the job in hand, when the parent has stopped).
 */
export function serveJobs(run: (job: unknown) => void | Promise<void>): void {
  // A parent that is gone (stopped with its reproduction) leaves nothing to answer: the job in
  // hand has recorded itself, so exit quietly instead of failing on the closed channel.
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (job) => {
    try {
      await run(job);
    } catch (e) {
      console.error(e);
      process.exit(1);
    }
    if (process.connected) process.send?.('done', (e: Error | null) => e && process.exit(0));
  });
}
