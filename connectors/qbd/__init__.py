"""connectors/qbd"""
