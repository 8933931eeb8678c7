"""Mail adapters: building messages safely, rendering templates, and sending them
(``OutboxMailer`` locally, ``SesMailer`` in AWS) behind the ``Mailer`` interface."""
