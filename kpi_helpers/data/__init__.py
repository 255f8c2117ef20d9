"""Reading, checking and loading the data: schema, sources (folder, database), rules, validation."""
