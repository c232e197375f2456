"""The use cases: what a user can do, each a function of a session that returns a typed
result and raises typed errors. They drive the core and know nothing of terminals or words;
presenters (checklist.present) turn their results into either."""
