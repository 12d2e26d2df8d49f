"""Commands of this area (registered on pipeline.cli_app.app when imported)."""
from pipeline.cli_app import app  # noqa: F401
