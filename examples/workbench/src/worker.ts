/**
 * The compute worker: runs one job per message on the numts packages and posts progress, folds,
 * and the result or the error (with the file at fault and what was expected) back to the page.
 *
 * @module
 */
import { getBackend } from '@numts/core';
import { InputProblem } from './input-problem.js';
import { inspectJob } from './inspect-job.js';
import { describeJob, fitJob, learnJob } from './learn-job.js';
import type { JobRequest, JobResult, WorkerMessage } from './protocol.js';
import { verifyJob } from './verify-job.js';

const post = (m: WorkerMessage) => (self as unknown as Worker).postMessage(m);
const progress = (fraction: number, text: string) => post({ type: 'progress', fraction, text });

async function run(job: JobRequest): Promise<JobResult> {
  switch (job.kind) {
    case 'verify':
      return verifyJob(job.files, progress);
    case 'describe':
      return describeJob(job.files, progress);
    case 'learn':
      return learnJob(job, progress, post);
    case 'fit':
      return fitJob(job, progress);
    case 'inspect':
      return inspectJob(job.files, job.directions, progress);
  }
}

self.onmessage = async (e: MessageEvent<JobRequest>) => {
  try {
    post({ type: 'result', result: await run(e.data) });
  } catch (err) {
    if (err instanceof InputProblem)
      post({
        type: 'error',
        ...(err.file ? { file: err.file } : {}),
        message: err.message,
        expected: err.expected,
      });
    else post({ type: 'error', message: `unexpected error: ${(err as Error).message ?? String(err)}` });
  }
};

post({ type: 'progress', fraction: 0, text: `ready (compute backend: ${getBackend()})` });
