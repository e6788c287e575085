"""Loopback OAuth2 stub for mesa-mailnet's tests (Python standard library only).

usage: token_stub.py PORT EMAIL GOOD_TOKEN GOOD_REFRESH
- GET /userinfo (Dovecot's oauth2 passdb, introspection_mode = auth): 200 {"email", "active": true}
  for `Authorization: Bearer GOOD_TOKEN`, 200 {"active": false} otherwise (RFC 7662: an
  inactive token; Dovecot 2.3 treats a 401 here as a temporary failure).
- POST /token grant_type=refresh_token: GOOD_REFRESH → a new access token GOOD_TOKEN and a
  rotated refresh token "rotated-" + GOOD_REFRESH (the rotated one is good afterwards too);
  anything else → 400 invalid_grant (revoked).
- POST /token grant_type=authorization_code: 200 with access_token "pkce-" + S256(code_verifier),
  so the test can check the verifier matches the challenge it put in the URL.
- POST /devicecode: a device code; the token endpoint answers authorization_pending once for
  it, then tokens (Microsoft's device flow).
Prints "ready PORT" once listening.
"""
import base64
import hashlib
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, email, good_token, good_refresh = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
valid_refresh = {good_refresh, "rotated-" + good_refresh}
device_polls = {"count": 0}


class H(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        if self.path.startswith("/userinfo") and auth == "Bearer " + good_token:
            self.reply(200, {"email": email, "active": True})
        else:
            self.reply(200, {"active": False})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
        grant = form.get("grant_type")
        if self.path.startswith("/devicecode"):
            self.reply(200, {"device_code": "dev-123", "user_code": "ABCD-EFGH",
                             "verification_uri": "https://microsoft.com/devicelogin",
                             "interval": 1, "expires_in": 900})
        elif grant == "urn:ietf:params:oauth:grant-type:device_code":
            device_polls["count"] += 1
            if form.get("device_code") != "dev-123":
                self.reply(400, {"error": "expired_token"})
            elif device_polls["count"] == 1:
                self.reply(400, {"error": "authorization_pending"})
            else:
                self.reply(200, {"access_token": good_token, "expires_in": 3600,
                                 "refresh_token": good_refresh})
        elif grant == "refresh_token":
            if form.get("refresh_token") in valid_refresh and form.get("client_id"):
                self.reply(200, {"access_token": good_token, "token_type": "Bearer",
                                 "expires_in": 3599, "refresh_token": "rotated-" + good_refresh})
            else:
                self.reply(400, {"error": "invalid_grant",
                                 "error_description": "AADSTS70000: the refresh token was revoked"})
        elif grant == "authorization_code":
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
            if form.get("code") == "the-code":
                self.reply(200, {"access_token": "pkce-" + challenge, "expires_in": 3600,
                                 "refresh_token": good_refresh})
            else:
                self.reply(400, {"error": "invalid_grant"})
        else:
            self.reply(400, {"error": "unsupported_grant_type"})


server = ThreadingHTTPServer(("127.0.0.1", int(port)), H)
print("ready", server.server_address[1], flush=True)
server.serve_forever()
