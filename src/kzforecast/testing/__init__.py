"""Property-based testing for users: hypothesis strategies and invariant checks (in progress)."""
