"""DynamoDB adapters: the single table definition and one repository per aggregate."""
