"""The trained half of clause extraction: corpus, training, evaluation, model architecture."""
