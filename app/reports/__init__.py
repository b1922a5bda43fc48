"""Indicator queries for the dashboards and their exports: SQL aggregates over an area, no Flask."""
