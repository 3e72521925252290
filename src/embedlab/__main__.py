"""``python -m embedlab`` runs the command-line interface."""

from embedlab.cli.main import main

main()
