/**
 * Runs benchmark jobs in child processes, a few at a time: each job is `node <script> job <json>`
 * with this process's loader flags, so a long reproduction survives a crash of one run and uses
 * one process per core. The script records its own results (the jobs' runs files).
 */
import { spawn } from 'node:child_process';

/** Runs `script job <json>` for every job, `workers` at a time; rejects when one exits non-zero. */
export async function runInChildren(
  jobs: readonly unknown[],
  script: string,
  workers: number,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      await new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, [...process.execArgv, script, 'job', JSON.stringify(job)], {
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        child.on('exit', (code) =>
          code === 0 ? resolve() : reject(new Error(`job ${JSON.stringify(job)} exited with ${code}`)),
        );
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, worker));
}
