"""arq jobs: deliveries, the sweeper that recovers after crashes, scheduled jobs."""
