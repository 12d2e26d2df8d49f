"""Language resources every layer above may read: morphology, simplemma's lemma tries, the GeoNames gazetteer."""
