"""connectors/commerce"""
