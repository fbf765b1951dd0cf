"""Confluence Cloud REST v2 emulation under /confluence/wiki/api/v2/."""
