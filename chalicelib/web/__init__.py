"""HTTP entry points: blueprints that translate requests to use cases and back."""
