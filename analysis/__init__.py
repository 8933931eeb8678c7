"""Analysis engine (pandas + TextBlob): pure functions over tidy frames; no boto3."""
