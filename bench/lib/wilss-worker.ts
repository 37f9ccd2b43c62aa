/** Child process of the WILSS benchmark: runs the jobs it is sent. */
import { runWilssJob, type WilssJob } from './wilss-run.js';

process.on('message', (job: WilssJob) => {
  try {
    process.send!({ ok: true, result: runWilssJob(job, (s) => console.error(s)) });
  } catch (e) {
    process.send!({ ok: false, error: (e as Error).stack ?? String(e) });
  }
});
