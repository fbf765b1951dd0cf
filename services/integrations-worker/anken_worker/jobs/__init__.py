"""The job queue as the rest of the worker sees it: `jobs.enqueue` hands work over, and
`jobs.serialization` is how a job is stored in Redis. The queue's internals (the arq jobs that drain
targets, the sweeper, the re-enqueueing of a target that waits for a retry) live in `deliveries`."""
