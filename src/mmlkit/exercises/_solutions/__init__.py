"""Reference solutions, one module per course module. Never copied into the learner's stubs."""
