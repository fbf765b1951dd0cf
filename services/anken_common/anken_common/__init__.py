"""Shared kit of Anken's services. Services never import each other; they import this."""
