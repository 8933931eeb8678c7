"""Leadership reports: a display model built from the scorecard, charts, templates, the e-mail
message, the archive and the mail transports. Heavy libraries (matplotlib) load inside functions."""
