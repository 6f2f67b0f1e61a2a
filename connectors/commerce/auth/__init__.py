"""The three ways a merchant lets us in: OAuth 1.0a integration signing, the integration token as Bearer, and an
Adobe IMS server-to-server token. Each is an ``httpx.Auth`` so the client code is the same for all of them."""
