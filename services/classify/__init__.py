"""Classify: tags each raw mention with topics and sentiment."""
