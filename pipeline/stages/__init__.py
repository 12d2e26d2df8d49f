"""The rule stages (dates, cities, officials, agreements, areas) and their helpers; they see only AnnotatedDoc."""
