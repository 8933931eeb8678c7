"""Partner Pulse deployed application package."""
