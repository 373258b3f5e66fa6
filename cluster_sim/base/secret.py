"""What a cluster secret grants on the API: a token derived from it.

The secret itself never travels to the API; writers send
``X-Clustersim-Token: api_token(secret)``. Standard library only.

    headers = {TOKEN_HEADER: api_token("s3cret")}
"""

import hashlib
import hmac

TOKEN_HEADER = "X-Clustersim-Token"


def api_token(secret: str) -> str:
    return hmac.new(secret.encode(), b"clustersim-api-write", hashlib.sha256).hexdigest()[:40]


def token_matches(expected: str, given: object) -> bool:
    return isinstance(given, str) and hmac.compare_digest(expected.encode(), given.encode(errors="replace"))
