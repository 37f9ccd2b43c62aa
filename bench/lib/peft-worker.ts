/** Child process of the peft benchmark: runs the jobs it is sent and returns their results. */
import { type Job, runJob } from './peft-tasks.js';

process.on('message', (job: Job) => {
  try {
    process.send!({ ok: true, result: runJob(job) });
  } catch (e) {
    process.send!({ ok: false, id: job.id, error: (e as Error).stack ?? String(e) });
  }
});
