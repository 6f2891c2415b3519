"""What a goal would take: the resources, year by year, with which a scenario reaches it."""
