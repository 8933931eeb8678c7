"""Partner Pulse: Chalice entry point. Registers blueprints; nothing else of substance."""
from chalice import Chalice

from chalicelib.logging_setup import configure_logging
from chalicelib.web.api import api
from chalicelib.web.security_headers import install_security_headers

app = Chalice(app_name="partner-pulse")
app.register_blueprint(api)
install_security_headers(app)
configure_logging(app)
