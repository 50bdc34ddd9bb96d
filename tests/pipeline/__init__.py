"""Pipeline tests: orchestration, routes, pivot, translation memory, language detection."""
