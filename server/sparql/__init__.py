"""SPARQL without a store: inspecting queries before they run, the service description, example queries."""
