"""The domain core: models, catalog loading, schedule, store, status and trust.

It knows nothing of terminals, the environment or the user's language: it takes explicit
values, returns typed results and raises typed errors (errors.py). The use cases
(checklist.usecases) drive it; presenters (checklist.present) put its results into words.
"""
