from backbone.migrations import run_env

run_env()
