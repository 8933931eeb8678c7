"""Developer tooling: the local stack (DynamoDB Local, chalice local). Not deployed."""
