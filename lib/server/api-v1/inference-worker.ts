// An inference worker thread of the REST API (see inference-pool.ts).
import { type JobHandler, serveJobs } from "../worker-thread";
import { INFERENCE_JOBS } from "./inference-jobs";

serveJobs(INFERENCE_JOBS as unknown as Record<string, JobHandler>);
