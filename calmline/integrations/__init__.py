"""Helpdesk integrations and the signing of Calmline's own webhooks."""
