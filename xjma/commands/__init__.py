"""Typer sub-commands: each module parses options, calls one job function, renders, exits."""
