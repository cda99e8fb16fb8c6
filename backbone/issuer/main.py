"""`uvicorn backbone.issuer.main:app`: the built-in issuer as its own process, for distributed mode.

One issuer for every service process: each service gets `AUTH_ISSUER=<BACKBONE_PUBLIC_URL>/issuer` and
verifies tokens with the keys this process publishes (discovery, JWKS), so all trust one `iss`. Its
accounts come from IDENTITY_REGISTRY_PATH; their secrets and its signing keys are drawn on first start
into <BACKBONE_DATA_DIR>/identity/ (owner-only). BACKBONE_PUBLIC_URL is the URL callers reach it at.
"""

from backbone.issuer.app import standalone_app
from backbone.logging import configure_logging
from backbone.settings import get_settings

settings = get_settings()
configure_logging(settings.log_level)
app = standalone_app(settings)
