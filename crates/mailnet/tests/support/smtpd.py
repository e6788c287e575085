"""Loopback SMTP receiver for mesa-mailnet's tests: aiosmtpd (Debian python3-aiosmtpd) with AUTH
PLAIN/LOGIN and XOAUTH2, delivering every accepted message into a Maildir (the Dovecot user's), so
a sent mail can be read back over IMAP.

usage: smtpd.py PORT MAILDIR USER PASSWORD GOOD_TOKEN [AUTH_REPLY]
AUTH_REPLY, when given, is answered to every AUTH (e.g. Microsoft's 535 5.7.139).
Stops on SIGTERM/SIGINT.
"""
import base64
import signal
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

port, maildir, user, password, good_token = sys.argv[1:6]
auth_reply = sys.argv[6] if len(sys.argv) > 6 else ""


def authenticator(server, session, envelope, mechanism, auth_data):
    if auth_reply:
        return AuthResult(success=False, handled=False, message=auth_reply)
    if isinstance(auth_data, LoginPassword):
        if auth_data.login == user.encode() and auth_data.password == password.encode():
            return AuthResult(success=True, auth_data=auth_data)
    return AuthResult(success=False, handled=False)


class Handler(Mailbox):
    async def auth_XOAUTH2(self, server, args):
        if auth_reply:
            return AuthResult(success=False, handled=False, message=auth_reply)
        if len(args) > 1:
            blob = base64.b64decode(args[1])
        else:
            blob = await server.challenge_auth("")
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=False)
        parts = dict(p.split("=", 1) for p in blob.decode().split("\x01") if "=" in p)
        if parts.get("user") == user and parts.get("auth") == "Bearer " + good_token:
            return AuthResult(success=True, auth_data=parts.get("user"))
        err = base64.b64encode(b'{"status":"401","schemes":"bearer","scope":"mail"}').decode()
        await server.challenge_auth(err, encode_to_b64=False)
        return AuthResult(success=False, handled=False)


controller = Controller(
    Handler(maildir),
    hostname="127.0.0.1",
    port=int(port),
    authenticator=authenticator,
    auth_require_tls=False,
    auth_required=True,
)
controller.start()
print("ready", flush=True)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
stop.wait()
controller.stop()
