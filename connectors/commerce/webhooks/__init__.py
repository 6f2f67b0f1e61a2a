"""Push hints from Commerce: Adobe I/O Events (asynchronous, the right channel) and the Commerce webhooks module.

A delivery is only a hint that a document changed: it is verified, turned into "read order 42 again" jobs and
answered at once; the job reads the document over REST, which is the truth (NOTES §5.2).
"""
