import subgraphs.budget.categorisation.models
import subgraphs.budget.fx.models  # noqa: F401  (budget.fx_rates is declared outside models.py)
from fincloud.migrate import run_env

run_env("budget")
