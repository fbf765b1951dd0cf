"""Google Sheets v4 emulation under /sheets/v4/."""
