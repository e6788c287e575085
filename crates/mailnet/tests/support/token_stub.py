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
- GET /authorize?redirect_uri=…&state=… (plays the provider's sign-in page for a test that
  plays the browser): 302 to redirect_uri?code=the-code&state=… (the app's loopback port).
- POST /revoke (the test's «the administrator revoked the app»): every refresh token and the
  access token stop working until the next authorization_code grant, which makes them good again.
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
all_refresh = {good_refresh, "rotated-" + good_refresh}
valid_refresh = set(all_refresh)
revoked = {"access": False}
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
        if self.path.startswith("/authorize"):
            q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            target = q.get("redirect_uri", "")
            if not target.startswith("http://127.0.0.1:"):
                self.reply(400, {"error": "invalid_request"})
                return
            sep = "&" if "?" in target else "?"
            location = target + sep + urllib.parse.urlencode(
                {"code": "the-code", "state": q.get("state", "")})
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif (self.path.startswith("/userinfo") and auth == "Bearer " + good_token
                and not revoked["access"]):
            self.reply(200, {"email": email, "active": True})
        else:
            self.reply(200, {"active": False})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(n).decode()))
        grant = form.get("grant_type")
        if self.path.startswith("/revoke"):
            valid_refresh.clear()
            revoked["access"] = True
            self.reply(200, {"revoked": True})
        elif self.path.startswith("/devicecode"):
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
                valid_refresh.update(all_refresh)
                revoked["access"] = False
                self.reply(200, {"access_token": "pkce-" + challenge, "expires_in": 3600,
                                 "refresh_token": good_refresh})
            else:
                self.reply(400, {"error": "invalid_grant"})
        else:
            self.reply(400, {"error": "unsupported_grant_type"})


server = ThreadingHTTPServer(("127.0.0.1", int(port)), H)
print("ready", server.server_address[1], flush=True)
server.serve_forever()
