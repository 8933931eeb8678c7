"""Partner Pulse: Chalice entry point. Registers blueprints; nothing else of substance."""
from chalice import Chalice

from chalicelib.web.api import api
from chalicelib.web.form import form
from chalicelib.web.security_headers import install_security_headers

app = Chalice(app_name="partner-pulse")
app.register_blueprint(api)
app.register_blueprint(form)
install_security_headers(app)
