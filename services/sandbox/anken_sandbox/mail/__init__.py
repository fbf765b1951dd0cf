"""The SMTP catcher: invitation mails and any other mail the services send, kept for tests and the viewer."""
