"""Editorial review: edits over the machine draft, the approve/publish workflow and the review web app."""
