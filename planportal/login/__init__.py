"""Login: kommune OpenID Connect providers, password lockout, sessions and TOTP."""
