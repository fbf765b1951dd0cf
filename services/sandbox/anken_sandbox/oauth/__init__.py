"""Google OAuth 2.0 token endpoint emulation (service-account JWT bearer grant) at /oauth2/token."""
