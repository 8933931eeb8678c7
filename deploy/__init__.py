"""Deployment to AWS: per-function IAM specs, the merged CloudFormation template, packaging.

Build-time only (uses chalice, never imported by the deployed application).
"""
