"""checklist: walk a unit through the measures it must carry out, and record who attested what."""

__version__ = "0.8.0"
