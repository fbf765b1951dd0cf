"""Google Drive v3, as far as the worker uses it: spreadsheets created with appProperties and found again."""
