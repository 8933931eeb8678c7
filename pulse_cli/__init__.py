"""The ``pulse`` command-line tool for program operations and analysts."""
