"""Partner webhook endpoints per client: URL, events, signing secret with rotation."""
