// The data worker thread: parses uploads off the request thread (see lib/server/data-pool.ts).
import { DATA_JOBS } from "./data-jobs";
import { type JobHandler, serveJobs } from "./worker-thread";

serveJobs(DATA_JOBS as unknown as Record<string, JobHandler>);
