from fincloud.migrate import run_env

run_env("budget")
