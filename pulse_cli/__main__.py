"""``python -m pulse_cli`` runs the same CLI as ``pulse``."""
from .main import cli

cli()
